"""The monolith baseline for scenario 2: the taxpayer dashboard's queries in one Flask process.

The same domain functions the identity and ledger services run for
`GET /api/v1/taxpayers/<subject>/overview` (session lookup, acting-for, authorisation, the ledger
overview and its contract's serialisation), on the same databases, in one transaction per
database and request, without the bus. Served by gunicorn exactly as the gateway is
(`bench/baseline/gunicorn_conf.py`), so the difference between the two is the price of the
services being apart.
"""
from contextlib import contextmanager
from types import SimpleNamespace

from flask import Flask, g, jsonify, request
from sqlalchemy.orm import sessionmaker

from identity import accounts, acting, sessions
from ledger import overview
from ledger.accounts import subject_kind
from ledger.clock import today
from portal_shared import authz
from portal_shared.config import database_url
from portal_shared.contracts import ledger as ledger_contract
from portal_shared.db import make_engine
from portal_shared.errors import Forbidden, Unauthorized, ValidationFailed


@contextmanager
def unit_of_work(factory):
    """What the services' `Database` dependency gives an RPC: a session, committed at the end."""
    session = factory()
    try:
        yield SimpleNamespace(session=session)
        session.commit()
    finally:
        session.close()


def create_app() -> Flask:
    app = Flask(__name__)
    identity_db = sessionmaker(make_engine(database_url("identity")), expire_on_commit=False)
    ledger_db = sessionmaker(make_engine(database_url("ledger")), expire_on_commit=False)

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    @app.get("/api/v1/taxpayers/<subject>/overview")
    def taxpayer_overview(subject: str):
        token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if len(token) < 20:
            raise Unauthorized("session.invalid")
        with unit_of_work(identity_db) as uow:
            account = accounts.view(sessions.account_for_token(uow, token))
            acting_for = acting.current(uow, token)["subject"]
        actor = {"account_id": account["account_id"], "pesel": account["pesel"], "level": account["level"],
                 "roles": [], "acting_for": acting_for}
        try:
            subject_kind(subject)
        except ValueError:
            raise ValidationFailed({"subject": ["subject.invalid"]}) from None
        with unit_of_work(ledger_db) as uow:
            authz.require(None, actor, subject, "view")  # self only here: a mandate would need identity
            g.result = overview.overview(uow.session, subject, today())
        return jsonify(ledger_contract.OVERVIEW.dump_result(g.result))

    @app.errorhandler(Unauthorized)
    def unauthorized(_):
        return {"error": {"code": "unauthorized"}}, 401

    @app.errorhandler(Forbidden)
    def forbidden(_):
        return {"error": {"code": "forbidden"}}, 403

    @app.errorhandler(ValidationFailed)
    def invalid(_):
        return {"error": {"code": "validation_failed"}}, 400

    return app

"""Stories for the notifications tests: people, their contacts, and small fake services
standing in for identity, ledger and declarations."""
import base64
import time
import uuid

import sqlalchemy as sa
from nameko.rpc import rpc

from portal_shared.config import database_url

STAFF = {"account_id": "00000000-0000-0000-0000-0000000000aa", "level": "authenticated", "roles": ["consultant"]}
UPO_PDF = b"%PDF-1.4\n% UPO test document\n%%EOF\n"


class FakeIdentity:
    name = "identity"
    contacts_by_subject: dict[str, list[dict]] = {}

    @rpc
    def contacts(self, subjects):
        return [c for s in subjects for c in self.contacts_by_subject.get(s, [])]


class FakeLedger:
    name = "ledger"
    installments: list[dict] = []
    calls: list[dict] = []

    @rpc
    def unpaid_installments_due(self, due_date, after_installment_id=None, limit=1000):
        FakeLedger.calls.append({"due_date": due_date, "after": after_installment_id})
        due = sorted((i for i in self.installments if i["due_date"] == due_date), key=lambda i: i["installment_id"])
        return [i for i in due if after_installment_id is None or i["installment_id"] > after_installment_id][:limit]


class FakeDeclarations:
    name = "declarations"
    failures_left = 0  # how many calls fail, as if the service were away

    @rpc
    def upo_documents(self, declaration_id):
        if FakeDeclarations.failures_left:
            FakeDeclarations.failures_left -= 1
            raise RuntimeError("declarations is restarting")
        return {"reference": f"UPO/{declaration_id[:8]}", "xml_base64": base64.b64encode(b"<UPO/>").decode(),
                "pdf_base64": base64.b64encode(UPO_PDF).decode()}


def person(subject: str, language: str = "pl", *, email=True, phone_verified=True, consent=True) -> dict:
    return {"subject": subject, "account_id": str(uuid.uuid4()), "first_name": "Anna" if language == "pl" else "Anne",
            "email": f"{subject}@example.pl" if email else None, "email_verified": True,
            "phone": f"+48601{subject[-6:]}", "phone_verified": phone_verified, "language": language,
            "consent_e_correspondence": consent}


def query(sql: str, **params) -> list:
    engine = sa.create_engine(database_url("notifications"))
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(sql), params).all()
    finally:
        engine.dispose()


def execute(sql: str, **params) -> None:
    engine = sa.create_engine(database_url("notifications"))
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(sql), params)
    finally:
        engine.dispose()


def messages(where: str = "true", **params) -> list:
    return query(f"SELECT * FROM messages WHERE {where} ORDER BY created_at", **params)


def wait_for_rows(sql: str, count: int = 1, timeout: float = 15.0) -> list:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = query(sql)
        if len(found) >= count:
            return found
        time.sleep(0.05)
    raise AssertionError(f"{count} row(s) of {sql} not found")


def wait_for_messages(where: str, count: int = 1, timeout: float = 15.0, **params) -> list:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = messages(where, **params)
        if len(found) >= count:
            return found
        time.sleep(0.05)
    raise AssertionError(f"{count} message(s) where {where} {params} not found; got {messages()}")

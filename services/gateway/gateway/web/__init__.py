"""The portal's pages: server-rendered (Jinja2), Polish by default, English switchable, no
JavaScript needed. They call the same RPC contracts as the API (`gateway.api.call`)."""
from flask import request

from gateway.auth import cookie_name
from gateway.i18n import LANGUAGES, language
from gateway.web import account, cases, filing, personal, public
from gateway.web.helpers import account_text, day_text, decimal_text, local_time, localized, money, text


def init_app(app) -> None:
    app.register_blueprint(public.bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(filing.bp)
    app.register_blueprint(cases.bp)
    app.register_blueprint(personal.bp)
    app.jinja_env.globals.update(t=text, localized=localized, decimal_text=decimal_text,
                                 languages=LANGUAGES, money=money, day_text=day_text,
                                 account_text=account_text)
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def page_context():
        return {"lang": language(), "signed_in": cookie_name() in request.cookies}

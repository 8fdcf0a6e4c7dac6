"""`portal-staff`: the tax office's command-line tool. `portal-staff --help` lists the commands.

Every command runs as the signed-in staff member (`portal-staff login`); each service checks
the member's role and audits the action. Add `--json` for output that scripts can read.
"""
import functools
import sys
import uuid
from decimal import Decimal, InvalidOperation

import click

from portal_shared.config import SERVICES
from portal_shared.contracts import declarations, identity, ledger, notifications
from portal_shared.contracts.common import failed_events, read_staff_audit, replay_failed_event
from portal_shared.errors import PortalError, ValidationFailed
from portal_staff.client import StaffClient
from portal_staff.render import emit

json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")


def staff_command(group, name: str):
    """A command that gets a `StaffClient` and turns service refusals into a clear message."""
    def decorate(function):
        @group.command(name)
        @functools.wraps(function)
        def command(*args, **kwargs):
            client = StaffClient()
            try:
                return function(client, *args, **kwargs)
            except PortalError as refused:
                details = f" {refused.field_errors}" if isinstance(refused, ValidationFailed) else ""
                click.echo(f"refused: {refused.message}{details}", err=True)
                sys.exit(2)
            finally:
                client.close()
        return command
    return decorate


@click.group()
def main():
    """Staff tool of the tax e-services platform."""


@staff_command(main, "login")
@click.option("--login", "login_name", prompt=True)
@click.password_option(confirmation_prompt=False)
def login(client, login_name, password):
    """Sign in as a staff member."""
    actor = client.login(login_name, password)["actor"]
    click.echo(f"signed in: {login_name} ({', '.join(actor['roles'])})")


@staff_command(main, "logout")
def logout(client):
    """End the staff session."""
    client.logout()
    click.echo("signed out")


@staff_command(main, "whoami")
@json_option
def whoami(client, as_json):
    """Who the tool acts as."""
    emit(client.actor(), as_json)


@main.group("staff")
def staff_group():
    """Staff members and their roles (admin)."""


@staff_command(staff_group, "list")
@json_option
def list_staff(client, as_json):
    """List staff members."""
    emit(client.call(identity.LIST_STAFF), as_json, ("staff_id", "login", "full_name", "roles", "active"))


@staff_command(staff_group, "create")
@click.option("--login", "login_name", required=True)
@click.option("--name", "full_name", required=True)
@click.option("--role", "roles", multiple=True, required=True,
              type=click.Choice(identity.STAFF_ROLES))
@click.password_option()
@json_option
def create_staff(client, login_name, full_name, roles, password, as_json):
    """Create a staff member."""
    emit(client.call(identity.CREATE_STAFF, login=login_name, full_name=full_name, roles=list(roles),
                     password=password), as_json)


@staff_command(staff_group, "change")
@click.argument("staff_id")
@click.option("--role", "roles", multiple=True, type=click.Choice(identity.STAFF_ROLES))
@click.option("--active/--inactive", default=None)
@json_option
def change_staff(client, staff_id, roles, active, as_json):
    """Change a staff member's roles, or deactivate them."""
    changes = {"roles": list(roles)} if roles else {}
    if active is not None:
        changes["active"] = active
    emit(client.call(identity.CHANGE_STAFF, staff_id=staff_id, **changes), as_json)


@staff_command(main, "audit")
@click.option("--service", type=click.Choice(SERVICES), default="identity",
              help="Whose record: identity's security log, or another service's staff audit.")
@click.option("--subject")
@click.option("--by", help="identity only: the actor")
@click.option("--action")
@click.option("--limit", type=int, default=50)
@json_option
def audit(client, service, subject, by, action, limit, as_json):
    """Read the audit log (admin)."""
    if service == "identity":
        emit(client.call(identity.READ_AUDIT_LOG, subject=subject, by=by, action=action, limit=limit),
             as_json, ("id", "occurred_at", "actor", "action", "subject", "source"))
    else:
        emit(client.call(read_staff_audit(service), subject=subject, action=action, limit=limit),
             as_json, ("id", "occurred_at", "staff_account_id", "action", "subject", "details"))


@staff_command(main, "failed-events")
@click.argument("service", type=click.Choice(SERVICES))
@json_option
def list_failed_events(client, service, as_json):
    """Events a service gave up on after bounded retries (admin)."""
    emit(client.call(failed_events(service)), as_json,
         ("event_id", "event_type", "handler", "attempts", "dead_at", "last_error"))


@staff_command(main, "replay-event")
@click.argument("service", type=click.Choice(SERVICES))
@click.argument("event_id")
@click.argument("handler")
@json_option
def replay_event(client, service, event_id, handler, as_json):
    """Run a dead-lettered event's handler again (admin)."""
    emit(client.call(replay_failed_event(service), event_id=event_id, handler=handler), as_json)


def grosze(_ctx, _param, value: str) -> int:
    """Amounts are typed in złoty ("123.45" or "123,45") and travel as integer grosze."""
    try:
        amount = Decimal(value.replace(",", "."))
    except InvalidOperation:
        raise click.BadParameter("an amount in złoty, e.g. 123.45") from None
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise click.BadParameter("a positive amount with at most 2 decimal places")
    return int(amount * 100)


document_options = [
    click.option("--pesel", required=True, help="From the identity document."),
    click.option("--document-kind", required=True, type=click.Choice(identity.DOCUMENT_KINDS)),
    click.option("--document-number", required=True),
]


def with_document(function):
    for option in reversed(document_options):
        function = option(function)
    return function


# --- taxpayers ----------------------------------------------------------------------------------
@main.group("taxpayer")
def taxpayer_group():
    """Find a taxpayer, read their card, authenticate or delete an account (tax_officer)."""


@staff_command(taxpayer_group, "find")
@click.option("--pesel")
@click.option("--nip")
@click.option("--name")
@click.option("--account-number", help="An individual tax account number (26 digits).")
@json_option
def find_taxpayer(client, pesel, nip, name, account_number, as_json):
    """Find taxpayers by PESEL, NIP (their agents), name or individual account number."""
    emit(client.find_taxpayers(pesel=pesel, nip=nip, name=name, account_number=account_number), as_json,
         ("account_id", "pesel", "first_name", "last_name", "city", "level"))


@staff_command(taxpayer_group, "card")
@click.argument("account_id")
@json_option
def taxpayer_card(client, account_id, as_json):
    """Registration data, mandates, liabilities, payments, declarations and cases of one taxpayer."""
    show_card(client.taxpayer_card(account_id), as_json)


@staff_command(taxpayer_group, "authenticate")
@click.argument("account_id")
@with_document
@json_option
def authenticate_in_person(client, account_id, pesel, document_kind, document_number, as_json):
    """Authenticate an account in person, after checking an identity document."""
    emit(client.call(identity.AUTHENTICATE_IN_PERSON, account_id=account_id, pesel=pesel,
                     document_kind=document_kind, document_number=document_number), as_json)


@staff_command(taxpayer_group, "delete-disputed")
@click.argument("account_id")
@with_document
@click.option("--note", default="")
@json_option
def delete_disputed(client, account_id, pesel, document_kind, document_number, note, as_json):
    """Delete an account registered on someone else's PESEL (the real owner's document)."""
    emit(client.call(identity.DELETE_WRONG_ACCOUNT, account_id=account_id, pesel=pesel, document_kind=document_kind,
                     document_number=document_number, note=note), as_json)


def show_card(card: dict, as_json: bool) -> None:
    if as_json:
        emit(card, True)
        return
    caller = card.get("caller")
    sections = (("caller", caller and {k: v for k, v in caller.items() if k != "principals"}, None),
                ("account", card.get("account"), None),
                ("principals", caller and caller["principals"], ("principal", "principal_name", "scopes")),
                ("liabilities", card["ledger"]["liabilities"],
                 ("liability_id", "tax_year", "annual_amount_grosze", "status")),
                ("installments", card["ledger"]["installments"],
                 ("installment_id", "due_date", "amount_grosze", "paid_grosze")),
                ("payments", card["ledger"]["payments"], ("payment_id", "paid_on", "amount_grosze", "source")),
                ("overpayments", card["ledger"]["overpayments"], None),
                ("reminders", card["ledger"]["reminders"], None),
                ("declarations", card["declarations"], ("declaration_id", "form_code", "upo_reference", "received_at")),
                ("cases", card["cases"], ("case_id", "form_code", "status", "updated_at")))
    click.echo(f"subject: {card['subject']}")
    for title, data, columns in sections:
        if data is None:
            continue
        click.echo(f"\n== {title} ==")
        emit(data, False, columns or ())


# --- the helpline -------------------------------------------------------------------------------
@main.group("caller")
def caller_group():
    """The helpline: identify a caller and read what they may ask about (consultant)."""


@staff_command(caller_group, "verify")
@click.option("--phone", required=True)
@click.option("--telepin", default=None, help="What the caller typed; without it only general information.")
@click.option("--on-behalf-of", default=None, help="The PESEL or NIP of a principal the caller asks for.")
@json_option
def verify_caller(client, phone, telepin, on_behalf_of, as_json):
    """Identify a caller by phone and telePIN and show their card (every look-up audited)."""
    card = client.caller_card(phone, telepin, on_behalf_of)
    if not card["identified"]:
        if as_json:
            emit(card, True)
        else:
            click.echo("no telePIN: general information only")
        return
    show_card(card, as_json)


# --- money --------------------------------------------------------------------------------------
@main.group("payment")
def payment_group():
    """The cash desk and rebookings (tax_officer)."""


@staff_command(payment_group, "cash")
@click.option("--account-number", required=True)
@click.option("--amount", "amount_grosze", required=True, callback=grosze, help="In złoty, e.g. 123.45")
@click.option("--paid-on", required=True, type=click.DateTime(formats=["%Y-%m-%d"]))
@click.option("--key", "idempotency_key", default=None, help="The cash-desk receipt number (default: new).")
@click.option("--liability", "named_liability_id", default=None)
@click.option("--title", default="")
@json_option
def cash_payment(client, account_number, amount_grosze, paid_on, idempotency_key, named_liability_id, title,
                 as_json):
    """Post a cash payment to an individual account (the receipt number makes a repeat harmless)."""
    emit(client.call(ledger.POST_CASH_PAYMENT, account_number=account_number, amount_grosze=amount_grosze,
                     paid_on=paid_on.date().isoformat(), idempotency_key=idempotency_key or uuid.uuid4().hex,
                     named_liability_id=named_liability_id, title=title), as_json)


@staff_command(payment_group, "rebook")
@click.argument("payment_id")
@click.option("--to", "target_liability_id", required=True, help="The liability the payment was meant for.")
@json_option
def rebook_payment(client, payment_id, target_liability_id, as_json):
    """Move a payment to the liability it was meant for."""
    emit(client.call(ledger.REBOOK_PAYMENT, payment_id=payment_id, target_liability_id=target_liability_id),
         as_json)


# --- cases: authorisations, explanations of payment purpose, declarations -----------------------
@main.group("case")
def case_group():
    """Decide a case: an authorisation, an explanation of payment purpose or a declaration (tax_officer)."""


def _decide(client, case_id, status, note, as_json):
    emit(client.call(declarations.CHANGE_CASE_STATUS, case_id=case_id, status=status, note=note), as_json,
         ("case_id", "form_code", "status"))


@staff_command(case_group, "approve")
@click.argument("case_id")
@click.option("--note", default=None)
@json_option
def approve_case(client, case_id, note, as_json):
    """Accept: the form takes effect (a mandate is granted, a payment rebooked, a liability assessed)."""
    _decide(client, case_id, "accepted", note, as_json)


@staff_command(case_group, "reject")
@click.argument("case_id")
@click.option("--note", required=True, help="Why, for the taxpayer.")
@json_option
def reject_case(client, case_id, note, as_json):
    """Reject, with the reason."""
    _decide(client, case_id, "rejected", note, as_json)


@staff_command(case_group, "status")
@click.argument("case_id")
@click.argument("status", type=click.Choice(declarations.CASE_STATUSES))
@click.option("--note", default=None)
@json_option
def case_status(client, case_id, status, note, as_json):
    """Move a case to another status (in review, needs completion, ...)."""
    _decide(client, case_id, status, note, as_json)


@staff_command(main, "letter")
@click.argument("case_id")
@click.option("--subject", "subject_line", required=True)
@click.option("--body", required=True)
@json_option
def send_letter(client, case_id, subject_line, body, as_json):
    """Send a letter in a case (e-correspondence when the taxpayer consented, else paper)."""
    emit(client.call(declarations.SEND_LETTER, case_id=case_id, subject_line=subject_line, body=body), as_json)


# --- notifications ------------------------------------------------------------------------------
@main.group("notifications")
def notifications_group():
    """Messages that failed for good, and sending one again."""


@staff_command(notifications_group, "failed")
@click.option("--limit", type=int, default=100)
@json_option
def failed_notifications(client, limit, as_json):
    """Messages that failed for good, newest first."""
    emit(client.call(notifications.FAILED_MESSAGES, limit=limit), as_json,
         ("message_id", "message_type", "channel", "recipient", "attempts", "last_error"))


@staff_command(notifications_group, "retry")
@click.argument("message_id")
@json_option
def retry_notification(client, message_id, as_json):
    """Queue a failed message again."""
    emit(client.call(notifications.RETRY_MESSAGE, message_id=message_id), as_json,
         ("message_id", "status", "attempts"))

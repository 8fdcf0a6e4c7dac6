"""`portal-staff`: the tax office's command-line tool. `portal-staff --help` lists the commands.

Every command runs as the signed-in staff member (`portal-staff login`); each service checks
the member's role and audits the action. Add `--json` for output that scripts can read.
"""
import functools
import sys

import click

from portal_shared.config import SERVICES
from portal_shared.contracts import identity
from portal_shared.contracts.common import failed_events, replay_failed_event
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
@click.option("--subject")
@click.option("--by")
@click.option("--action")
@click.option("--limit", type=int, default=50)
@json_option
def audit(client, subject, by, action, limit, as_json):
    """Read the audit log (admin)."""
    emit(client.call(identity.READ_AUDIT_LOG, subject=subject, by=by, action=action, limit=limit),
         as_json, ("id", "occurred_at", "actor", "action", "subject", "source"))


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

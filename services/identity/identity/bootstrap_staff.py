"""`portal-bootstrap-admin --login <login> --name "<full name>"`: the first admin of a new office.

Runs where the identity database is reachable (like `portal-migrate`), so it needs no admin
to exist; later staff are created by an admin over RPC. The password comes from standard
input (one line) or, at a terminal, a hidden prompt: never from the command line.
"""
import argparse
import getpass
import sys

from sqlalchemy.orm import Session

from identity import staff
from portal_shared.config import database_url
from portal_shared.db import make_engine
from portal_shared.errors import ValidationFailed


def create_admin(login: str, full_name: str, password: str, url: str | None = None) -> str:
    engine = make_engine(url or database_url("identity"))
    try:
        with Session(engine) as session, session.begin():
            member = staff.create(session, login=login, full_name=full_name, roles=["admin"],
                                  password=password, created_by="bootstrap")
            return member.id
    finally:
        engine.dispose()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Create an admin staff account.")
    parser.add_argument("--login", required=True)
    parser.add_argument("--name", required=True)
    args = parser.parse_args(argv)
    password = getpass.getpass("Password: ") if sys.stdin.isatty() else sys.stdin.readline().rstrip("\n")
    try:
        staff_id = create_admin(args.login, args.name, password)
    except ValidationFailed as refused:
        print(f"refused: {refused.field_errors}", file=sys.stderr)
        return 2
    print(f"created admin {args.login} ({staff_id})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

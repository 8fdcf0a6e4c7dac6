"""`portal-migrate <service>|all`: create the service's database if missing and migrate to head."""
import argparse

import sqlalchemy as sa
from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy.engine import make_url

from portal_shared.config import SERVICES, database_url, services_dir


def ensure_database(url: str) -> None:
    target = make_url(url)
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                             {"name": target.database})
        if not exists:
            conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def drop_database(url: str) -> None:
    target = make_url(url)
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    admin.dispose()


def alembic_config(service: str, url: str) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(services_dir() / service / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(service: str, url: str | None = None) -> None:
    url = url or database_url(service)
    ensure_database(url)
    command.upgrade(alembic_config(service, url), "head")


def main(argv=None):
    parser = argparse.ArgumentParser(description="Create and migrate service databases.")
    parser.add_argument("service", choices=(*SERVICES, "all"))
    args = parser.parse_args(argv)
    for service in SERVICES if args.service == "all" else (args.service,):
        migrate(service)
        print(f"migrated {service}")


if __name__ == "__main__":
    main()

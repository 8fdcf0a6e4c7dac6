"""The body of every service's `migrations/env.py`: online migrations with the URL from config."""
from alembic import context
from sqlalchemy import engine_from_config, pool


def run_migrations(target_metadata) -> None:
    config = context.config
    connectable = engine_from_config(config.get_section(config.config_ini_section, {}),
                                     prefix="sqlalchemy.", poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()

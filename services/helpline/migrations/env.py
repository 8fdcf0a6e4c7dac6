from helpline.models import Base
from portal_shared.alembic_env import run_migrations

run_migrations(Base.metadata)

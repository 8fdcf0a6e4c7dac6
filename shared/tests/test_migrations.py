"""Guard rail: branches merged side by side each add a migration; every service must still have
one head (else `upgrade head` refuses to run) and one file per number."""
import pytest
from alembic.script import ScriptDirectory

from portal_shared.config import SERVICES
from portal_shared.migrate import alembic_config


@pytest.mark.parametrize("service", SERVICES)
def test_the_service_has_one_migration_head_and_one_file_per_number(service):
    scripts = ScriptDirectory.from_config(alembic_config(service, "postgresql://unused/unused"))
    assert len(scripts.get_heads()) == 1
    numbers = [revision.path.rsplit("/", 1)[1].split("_", 1)[0] for revision in scripts.walk_revisions()]
    assert len(numbers) == len(set(numbers))

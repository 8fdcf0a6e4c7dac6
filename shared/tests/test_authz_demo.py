"""The shared demo account may look but not act."""
import pytest

from portal_shared.authz import forbid_demo, require_role
from portal_shared.errors import Forbidden


def test_the_demo_actor_is_refused_and_others_pass():
    forbid_demo({"account_id": "a", "level": "authenticated", "roles": []})
    with pytest.raises(Forbidden) as refused:
        forbid_demo({"account_id": "a", "level": "authenticated", "roles": [], "demo": True})
    assert refused.value.message == "demo.read_only"


def test_a_staff_role_is_required():
    require_role({"roles": ["consultant"]}, "consultant", "admin")
    with pytest.raises(Forbidden):
        require_role({"roles": ["consultant"]}, "admin")

"""Identity alone over RPC (no gateway): the mandate check behind `portal_shared.authz.require`."""
import pytest

from portal_shared import authz
from portal_shared.contracts import identity as contract
from portal_shared.errors import Forbidden


def test_without_a_mandate_only_the_actors_own_pesel_is_allowed(service_containers, rpc):
    service_containers("identity")
    actor = {"account_id": "0b9f3c1e-7a55-4c61-9a55-111111111111", "pesel": "44051401359",
             "level": "authenticated", "roles": []}
    assert authz.require(rpc, actor, "44051401359", "view") == "self"
    with pytest.raises(Forbidden):
        authz.require(rpc, actor, "02070803628", "view")
    assert contract.AUTHORIZE(rpc, account_id=actor["account_id"], subject="02070803628",
                              scope="view") == {"allowed": False, "mandate_id": None}

"""The gateway's RPC pool is the shared client (`portal_shared.rpc_client`), also used by the
staff tool; re-exported here because the gateway's wiring imports it from its own package."""
from portal_shared.rpc_client import RpcClient, RpcPool, RpcTimeout

__all__ = ["RpcClient", "RpcPool", "RpcTimeout"]

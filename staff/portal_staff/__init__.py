"""The tax office's staff tool: a Python client over the services' RPC, and a CLI on top."""

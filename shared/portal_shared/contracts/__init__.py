"""Contracts between services: RPC argument/result schemas and versioned event payloads.

One module per service that owns them. Both sides import from here; nothing is re-declared.
"""

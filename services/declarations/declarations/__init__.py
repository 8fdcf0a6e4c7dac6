"""Declarations service: form wizards, signing, UPO receipts, cases and correspondence."""

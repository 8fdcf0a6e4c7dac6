"""Helpline service: the contact centre's own data (queues, contacts, surveys)."""

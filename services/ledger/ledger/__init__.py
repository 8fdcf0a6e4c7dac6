"""Ledger service: liabilities, installments, payments, interest."""

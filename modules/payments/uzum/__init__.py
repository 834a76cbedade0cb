"""Uzum Bank Merchant API: Uzum calls check, create, confirm, reverse and status (JSON, Basic auth)."""

from __future__ import annotations

from ninja import Schema


class TicketOut(Schema):
    ticket: str
    expires_in: int

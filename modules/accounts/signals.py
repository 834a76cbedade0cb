"""Signals accounts sends. Receivers connect in their AppConfig.ready(). Payloads are frozen
dataclasses (JSON-able with dataclasses.asdict).

account_email_requested(sender, event: AccountEmailRequested, user, kind, token, link)
    A one-time token to deliver by email (kind: "password_reset" or "email_verification"), sent from
    accounts' own task (already in the worker). accounts mails it itself unless a receiver returns
    True (the notifications module delivers it instead).
user_registered(sender, event: UserRegistered, user): a student signed up.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.dispatch import Signal


@dataclass(frozen=True)
class AccountEmailRequested:
    user_id: int
    kind: str
    link: str


@dataclass(frozen=True)
class UserRegistered:
    user_id: int


account_email_requested = Signal()
user_registered = Signal()

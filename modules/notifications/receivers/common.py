"""What every receiver shares: failure isolation, formatting in the center's zone, recipients."""

from __future__ import annotations

import functools
import logging
from datetime import date, datetime

from django.db import transaction

from modules.center.selectors import center_zone
from modules.notifications import audiences
from modules.notifications.dispatch import Outgoing

logger = logging.getLogger("markaz.notifications")


def isolated(fn):
    """A notification must never undo the sender's write: the receiver runs in a savepoint, and an
    error is logged and swallowed (the sender's transaction stays usable)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            with transaction.atomic():
                return fn(*args, **kwargs)
        except Exception:
            logger.exception("notification receiver %s failed", fn.__name__)
            return None

    return wrapper


def when(value: datetime | None) -> str:
    return value.astimezone(center_zone()).strftime("%d.%m.%Y %H:%M") if value else ""


def day(value: date | datetime | str | None) -> str:
    if isinstance(value, str):  # a model built in memory may still hold the ISO string it was given
        value = date.fromisoformat(value[:10]) if value else None
    if isinstance(value, datetime):
        value = value.astimezone(center_zone()).date()
    return value.strftime("%d.%m.%Y") if value else ""


def money(tiyin: int | None, currency: str = "UZS") -> str:
    """50000000 -> '500 000 UZS' (tiyin shown only when there are some)."""
    tiyin = int(tiyin or 0)
    whole, rest = divmod(tiyin, 100)
    text = f"{whole:,}".replace(",", " ")
    return f"{text}.{rest:02d} {currency}" if rest else f"{text} {currency}"


def name(user) -> str:
    return user.full_name if user is not None else ""


def with_guardians(student_ids, *, guardians: bool = True) -> dict[int, list]:
    """{student id: [the student, their parents...]} in two queries."""
    students = audiences.users_by_id(student_ids)
    parents = audiences.guardians_by_student(student_ids) if guardians else {}
    return {sid: [students[sid], *parents.get(sid, [])] for sid in student_ids if sid in students}


def fan(recipients, context: dict, data: dict) -> list[Outgoing]:
    return [Outgoing(user, context, data) for user in recipients]

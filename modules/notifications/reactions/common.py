"""What every reaction shares: formatting in the center's zone, recipients, Outgoing items."""

from __future__ import annotations

from datetime import date, datetime

from core.money import format_amount
from modules.center.selectors import CURRENCY, center_zone
from modules.notifications import audiences
from modules.notifications.dispatch import Outgoing


def when(value: datetime | None) -> str:
    return value.astimezone(center_zone()).strftime("%d.%m.%Y %H:%M") if value else ""


def day(value: date | datetime | str | None) -> str:
    if isinstance(value, str):  # a model built in memory may still hold the ISO string it was given
        value = date.fromisoformat(value[:10]) if value else None
    if isinstance(value, datetime):
        value = value.astimezone(center_zone()).date()
    return value.strftime("%d.%m.%Y") if value else ""


def money(tiyin: int | None, currency: str = "UZS") -> str:
    """50000000 -> "500 000 so'm", as the admin writes it (core.money); another currency keeps its code."""
    return format_amount(tiyin) if currency == CURRENCY else format_amount(tiyin, currency)


def name(user) -> str:
    return user.full_name if user is not None else ""


def with_guardians(student_ids, *, guardians: bool = True) -> dict[int, list]:
    """{student id: [the student, their parents...]} in two queries."""
    students = audiences.users_by_id(student_ids)
    parents = audiences.guardians_by_student(student_ids) if guardians else {}
    return {sid: [students[sid], *parents.get(sid, [])] for sid in student_ids if sid in students}


def fan(recipients, context: dict, data: dict, source: str = "") -> list[Outgoing]:
    """One Outgoing per recipient; `source` names the event, so the (kind, source, recipient) key
    makes a rerun of the reaction a no-op."""
    return [Outgoing(user, context, data, source) for user in recipients]

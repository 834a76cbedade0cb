"""Signals the lessons module sends (receivers connect in their AppConfig.ready()). Payloads are
frozen dataclasses of ids (JSON-able with dataclasses.asdict).

lesson_changed(sender, event: LessonChanged, lesson, change, actor, previous_starts_at=None, reason="")
    change: "rescheduled" | "cancelled" | "completed" | "updated" | "created" ("updated": topic or
    notes changed; the time and status did not; "created": a make-up lesson was scheduled). previous_starts_at is set for "rescheduled"; reason for
    "rescheduled" and "cancelled". Sent inside the transaction. The objects are for receivers in the
    same transaction (audit); reactions enqueue a task with `event` (core.tasks.enqueue).

makeup_booked(sender, event: MakeupBooked, lesson, original, student_ids, actor)
    students absent from `original` got seats at `lesson` (a new make-up lesson, or another group's
    lesson of the same course). Sent inside the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.dispatch import Signal


@dataclass(frozen=True)
class LessonChanged:
    lesson_id: int
    group_id: int
    change: str
    actor_id: int | None = None
    previous_starts_at: str | None = None  # ISO 8601, for "rescheduled" and "cancelled"
    reason: str = ""


@dataclass(frozen=True)
class MakeupBooked:
    lesson_id: int
    original_id: int
    student_ids: tuple[int, ...]
    actor_id: int | None = None


lesson_changed = Signal()
makeup_booked = Signal()

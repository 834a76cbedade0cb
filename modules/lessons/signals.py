"""Signals the lessons module sends (receivers connect in their AppConfig.ready()). Payloads are
frozen dataclasses of ids (JSON-able with dataclasses.asdict).

lesson_changed(sender, event: LessonChanged, lesson, change, actor, previous_starts_at=None, reason="")
    change: "rescheduled" | "cancelled" | "completed" | "updated" ("updated": topic or notes
    changed; the time and status did not). previous_starts_at is set for "rescheduled"; reason for
    "rescheduled" and "cancelled". Sent inside the transaction. The objects are for receivers in the
    same transaction (audit); reactions enqueue a task with `event` (core.tasks.enqueue).
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


lesson_changed = Signal()

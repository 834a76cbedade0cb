"""Signals the attendance module sends. Payloads are frozen dataclasses of ids (JSON-able with
dataclasses.asdict): a receiver in another module enqueues a task with them, and the task reads the
records as they are when it runs.

attendance_marked(sender, event: AttendanceMarked, lesson, changes, actor)
    Sent once per lesson whose statuses changed in a bulk mark (an import sends it once per lesson
    it changed), inside the transaction; never when no status changed. `lesson`, `changes` (list of
    {"student_id", "before", "after", "record_id"}) and `actor` are for receivers that run in the
    same transaction (audit); reactions use `event` only.

trial_marked(sender, event: TrialMarked, lesson, changes, actor)
    changes: list[dict] with {"lead_id", "visit_id", "before" (status or None), "after"}: the trial
    guests of `lesson` whose status changed in one mark. Sent inside the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.dispatch import Signal


@dataclass(frozen=True)
class AttendanceMarked:
    lesson_id: int
    group_id: int
    student_ids: tuple[int, ...]  # the students whose status changed
    actor_id: int | None = None


@dataclass(frozen=True)
class TrialMarked:
    lesson_id: int
    visit_ids: tuple[int, ...]  # the trial visits whose status changed
    actor_id: int | None = None


attendance_marked = Signal()
trial_marked = Signal()

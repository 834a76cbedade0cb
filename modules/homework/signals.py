"""Signals the homework module sends. Payloads are frozen dataclasses of ids (JSON-able with
dataclasses.asdict); the objects beside them are for receivers in the same transaction (audit).

homework_assigned(sender, event: HomeworkAssigned, homework, actor)
homework_reviewed(sender, event: HomeworkReviewed, submission, previous_score, actor)
    previous_score: the score before this review (None on the first review); gamification writes a
    compensating transaction when a score is lowered (it compares with what it already gave).
homework_scored(sender, event: HomeworkScored, submission)   automatic scoring finished
homework_deadline(sender, event: HomeworkDeadline, homework, student_ids, kind)
    kind: "due_24h" | "due_2h" | "missed"; each (homework, student, kind) is sent at most once.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.dispatch import Signal


@dataclass(frozen=True)
class HomeworkAssigned:
    homework_id: int
    group_id: int
    actor_id: int | None = None


@dataclass(frozen=True)
class HomeworkReviewed:
    submission_id: int
    homework_id: int
    student_id: int
    actor_id: int | None = None


@dataclass(frozen=True)
class HomeworkScored:
    submission_id: int


@dataclass(frozen=True)
class HomeworkDeadline:
    homework_id: int
    student_ids: tuple[int, ...]
    kind: str


homework_assigned = Signal()
homework_reviewed = Signal()
homework_scored = Signal()
homework_deadline = Signal()

"""Status changes of a submission: one place that saves and tells the student (homework.updated)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from modules.homework import events
from modules.homework.models import Submission
from modules.homework.scoring import score_text
from modules.homework.signals import HomeworkScored, homework_scored


def stale_after() -> timedelta:
    """How long a claim ("transcribing") or an unclaimed recording ("submitted") may sit before it
    is taken for abandoned: past the worker's task timeout (a live attempt is over by then: the
    provider calls are bounded well under it) and before the broker's redelivery (Q_CLUSTER
    `retry`), so the redelivered task finds the claim expired and takes it over."""
    q = settings.Q_CLUSTER
    return timedelta(seconds=min(q["timeout"] + 30, q["retry"] - 10))


def is_stuck(submission: Submission, *, now: datetime | None = None) -> bool:
    """A recording nobody is working on: claimed by a dead worker, or never picked up."""
    if not submission.audio or submission.needs_manual_review:
        return False
    if submission.status not in (Submission.Status.TRANSCRIBING, Submission.Status.SUBMITTED):
        return False
    changed = submission.status_changed_at or submission.updated_at
    return changed < (now or timezone.now()) - stale_after()


def submission_set_status(submission: Submission, status: str, *, fields: tuple[str, ...] = ()) -> Submission:
    """Save `status` (and the other changed `fields`) and publish the event after commit."""
    submission.status = status
    submission.status_changed_at = timezone.now()
    submission.save(update_fields=["status", "status_changed_at", "updated_at", *fields])
    events.submission_updated(submission)
    return submission


def mark_manual_review(submission: Submission, reason: str) -> Submission:
    submission.needs_manual_review = True
    submission.manual_review_reason = reason[:300]
    submission.save(update_fields=["needs_manual_review", "manual_review_reason", "updated_at"])
    events.submission_updated(submission)
    return submission


def submission_score_auto(*, submission: Submission, answer: str) -> Submission:
    """Score `answer` (a transcript or typed text) against the homework's reference. Without a
    reference there is nothing to compare: the teacher scores it."""
    homework = submission.homework
    if not homework.reference_text.strip():
        return mark_manual_review(submission, "No reference text to score against; the teacher scores it.")
    result = score_text(homework.reference_text, answer, homework.max_score)
    submission.score = submission.auto_score = result.score
    submission.wer = result.wer
    submission.diff = result.diff
    fields = ("score", "auto_score", "wer", "diff")
    if not answer.strip():
        submission.needs_manual_review = True
        submission.manual_review_reason = "The answer (or the transcript) is empty."
        fields += ("needs_manual_review", "manual_review_reason")
    submission_set_status(submission, Submission.Status.SCORED, fields=fields)
    homework_scored.send(sender=Submission, event=HomeworkScored(submission.pk), submission=submission)
    return submission

"""Transcription pipeline of one submission (the body of tasks.transcribe_submission).

    claim (lock; submitted → transcribing)  →  provider call with bounded retries, each attempt
    recorded  →  store the transcript (transcribing → transcribed) and score it (→ scored)
                                             or  →  failed, with a readable reason

Idempotent: only a submitted (or abandoned transcribing) submission is claimed, under a row lock, so
a transcribed one is never sent again, and two workers never send the same one twice."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from modules.homework import transcription
from modules.homework.audio import CONTENT_TYPES
from modules.homework.models import HomeworkTranscript, Submission
from modules.homework.services.state import (
    is_stuck,
    mark_manual_review,
    stale_after,
    submission_score_auto,
    submission_set_status,
)
from modules.homework.services.submissions import NO_PROVIDER_REASON
from modules.homework.transcription import TranscriptionError, TranscriptionResult

logger = logging.getLogger("markaz.homework")

MAX_ATTEMPTS = 3
# Delay before attempt n+1 is BACKOFF_BASE_SECONDS * 2**(n-1) (or the provider's Retry-After), capped.
# Tests set the base to 0. Worst case: 3 x 30 s timeouts + 1 s + 2 s, under the worker's 120 s.
BACKOFF_BASE_SECONDS = 1.0
BACKOFF_CAP_SECONDS = 8.0


@dataclass(frozen=True)
class Claim:
    submission_id: int
    transcript: HomeworkTranscript  # ours while the submission is "transcribing"
    audio_name: str
    extension: str
    language: str


def _lock(submission_id: int) -> Submission | None:
    return (
        Submission.objects.select_for_update(of=("self",))
        .select_related("homework__group__course", "student", "transcript")
        .filter(pk=submission_id)
        .first()
    )


def _claimable(submission: Submission) -> bool:
    if submission.status == Submission.Status.SUBMITTED:
        return not submission.needs_manual_review
    if submission.status == Submission.Status.TRANSCRIBING:
        return is_stuck(submission)  # a dead worker's claim expires before the broker redelivers
    return False


@transaction.atomic
def _claim(submission_id: int) -> Claim | None:
    submission = _lock(submission_id)
    if submission is None or not submission.audio or not _claimable(submission):
        return None
    if not submission.is_current and submission.status == Submission.Status.SUBMITTED:
        return None  # superseded before it was ever sent: nobody needs its transcript
    if not transcription.is_configured():
        mark_manual_review(submission, NO_PROVIDER_REASON)
        return None
    # The row lock on the submission serialises this: no get_or_create savepoint needed.
    try:
        transcript = submission.transcript  # select_related: no query
    except HomeworkTranscript.DoesNotExist:
        transcript = HomeworkTranscript.objects.create(submission=submission)
    submission_set_status(submission, Submission.Status.TRANSCRIBING)
    return Claim(
        submission_id=submission.pk,
        transcript=transcript,
        audio_name=submission.audio.name,
        extension=submission.audio_format or "wav",
        language=submission.homework.group.course.language or "",
    )


def _backoff(attempt: int, retry_after: float | None) -> float:
    if BACKOFF_BASE_SECONDS <= 0:
        return 0.0
    return min(BACKOFF_CAP_SECONDS, max(BACKOFF_BASE_SECONDS * 2 ** (attempt - 1), retry_after or 0.0))


def _record_attempt(
    transcript: HomeworkTranscript,
    attempt: int,
    started: float,
    error: TranscriptionError | None,
    *,
    save: bool = True,
) -> None:
    """Log one provider call. A failed one is saved at once (visible while retrying); a successful
    one is saved with the transcript itself by _store."""
    transcript.attempts += 1
    entry = {
        "attempt": attempt,
        "at": timezone.now().isoformat(),
        "ms": round((time.monotonic() - started) * 1000),
    }
    if error is not None:
        entry.update(error=error.reason, transient=error.transient)
        transcript.last_error = error.reason
    transcript.attempt_log = [*transcript.attempt_log, entry]
    if save:
        transcript.save(update_fields=["attempts", "attempt_log", "last_error", "updated_at"])


def _read_audio(claim: Claim) -> bytes:
    from django.core.files.storage import default_storage

    with default_storage.open(claim.audio_name, "rb") as fh:
        return fh.read()


def _call_provider(claim: Claim) -> tuple[TranscriptionResult | None, TranscriptionError | None]:
    try:
        data = _read_audio(claim)
    except OSError as exc:
        return None, TranscriptionError(f"The stored recording cannot be read: {exc}", transient=False)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        started = time.monotonic()
        try:
            result = transcription.transcribe(
                data=data,
                filename=f"submission-{claim.submission_id}.{claim.extension}",
                content_type=CONTENT_TYPES.get(claim.extension, "application/octet-stream"),
                language=claim.language or None,
            )
        except TranscriptionError as exc:
            _record_attempt(claim.transcript, attempt, started, exc)
            logger.warning(
                "transcription attempt %s of submission %s failed: %s",
                attempt,
                claim.submission_id,
                exc.reason,
            )
            if not exc.transient or attempt == MAX_ATTEMPTS:
                return None, exc
            time.sleep(_backoff(attempt, exc.retry_after))
        else:
            _record_attempt(claim.transcript, attempt, started, None, save=False)
            return result, None
    raise AssertionError("unreachable")


@transaction.atomic
def _store(claim: Claim, result: TranscriptionResult) -> Submission | None:
    submission = _lock(claim.submission_id)
    if submission is None or submission.status != Submission.Status.TRANSCRIBING:
        return None  # retried or reviewed meanwhile; this answer is stale
    transcript = claim.transcript
    transcript.text, transcript.model = result.text, result.model
    transcript.language = result.language[:16]
    transcript.duration = result.duration if result.duration is not None else submission.audio_seconds
    transcript.segments, transcript.words = result.segments, result.words
    transcript.last_error, transcript.transcribed_at = "", timezone.now()
    transcript.save()
    submission.transcript = transcript
    submission_set_status(submission, Submission.Status.TRANSCRIBED)
    return submission_score_auto(submission=submission, answer=result.text)


@transaction.atomic
def _fail(claim: Claim, error: TranscriptionError) -> Submission | None:
    submission = _lock(claim.submission_id)
    if submission is None or submission.status != Submission.Status.TRANSCRIBING:
        return None
    submission.failure_reason = error.reason
    submission.needs_manual_review = True
    submission.manual_review_reason = "Automatic transcription failed; the teacher listens and scores."
    return submission_set_status(
        submission,
        Submission.Status.FAILED,
        fields=("failure_reason", "needs_manual_review", "manual_review_reason"),
    )


def submissions_requeue_stuck(*, now=None, limit: int = 500) -> int:
    """The sweeper (jobs): queue the transcription again for every recording nobody works on (a
    worker killed mid-call, a task lost). The task's claim makes a duplicate harmless."""
    from core.tasks import enqueue
    from modules.homework.services.submissions import TRANSCRIBE_TASK

    if not transcription.is_configured():
        return 0
    cutoff = (now or timezone.now()) - stale_after()
    candidates = (
        Submission.objects.filter(
            status_changed_at__lt=cutoff,
            is_current=True,
            needs_manual_review=False,
            status__in=(Submission.Status.SUBMITTED, Submission.Status.TRANSCRIBING),
        )
        .exclude(audio="")
        .order_by("status_changed_at")[:limit]
    )
    stuck = [s.pk for s in candidates if is_stuck(s, now=now)]
    for submission_id in stuck:
        enqueue(TRANSCRIBE_TASK, submission_id)
    return len(stuck)


def submission_transcribe(*, submission_id: int) -> Submission | None:
    """Transcribe and score one submission; None when there was nothing to do."""
    claim = _claim(submission_id)
    if claim is None:
        return None
    result, error = _call_provider(claim)
    if result is not None:
        return _store(claim, result)
    return _fail(claim, error)

"""django-q2 tasks: thin, take ids, idempotent (see services.pipeline and services.deadlines)."""

from __future__ import annotations

from modules.homework import services


def transcribe_submission(submission_id: int) -> str:
    submission = services.submission_transcribe(submission_id=submission_id)
    return submission.status if submission is not None else "skipped"


def check_homework_deadlines() -> dict[str, int]:
    return services.homework_check_deadlines()


def requeue_stuck_transcriptions() -> int:
    return services.submissions_requeue_stuck()

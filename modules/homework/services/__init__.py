"""Every write to homework goes through here: the API, the admin, tasks and seed_demo share these."""

from modules.homework.services.deadlines import homework_check_deadlines
from modules.homework.services.homework import homework_create, homework_delete, homework_update
from modules.homework.services.pipeline import submission_transcribe, submissions_requeue_stuck
from modules.homework.services.state import submission_score_auto
from modules.homework.services.submissions import (
    submission_create,
    submission_retry_transcription,
    submission_review,
)

__all__ = [
    "homework_check_deadlines",
    "homework_create",
    "homework_delete",
    "homework_update",
    "submission_create",
    "submission_retry_transcription",
    "submission_review",
    "submission_score_auto",
    "submission_transcribe",
    "submissions_requeue_stuck",
]

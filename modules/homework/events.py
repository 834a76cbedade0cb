"""Real-time events of the homework module (docs/realtime.md)."""

from __future__ import annotations

from modules.homework.models import Submission
from modules.homework.schemas import SubmissionOut
from realtime import event_type, publish_on_commit

HOMEWORK_UPDATED = event_type(
    "homework.updated",
    SubmissionOut,
    channels=("user",),
    summary="a submission was transcribed, scored or reviewed (to the student's own channel)",
)


def submission_updated(submission: Submission) -> None:
    """`homework.updated` to the student's own channel, carrying the submission as the API shows it."""
    publish_on_commit(
        channel=f"user:{submission.student_id}",
        type=HOMEWORK_UPDATED.name,
        data=SubmissionOut.from_orm(submission),
    )

"""Real-time events of the homework module (docs/realtime.md)."""

from __future__ import annotations

from modules.homework.models import Submission
from modules.homework.schemas import SubmissionOut
from realtime import publish_on_commit


def submission_updated(submission: Submission) -> None:
    """`homework.updated` to the student's own channel, carrying the submission as the API shows it."""
    publish_on_commit(
        channel=f"user:{submission.student_id}",
        type="homework.updated",
        data=SubmissionOut.from_orm(submission).model_dump(mode="json"),
    )

"""How a submission's recording and file are served: the download name and the content type
sniffed at upload (never guessed from the student's file name, or a `.html` name would be served as
a page). Used by the authorized downloads and by the signed links in SubmissionOut alike."""

from __future__ import annotations

from core.signed_files import SignedUrl, signed_url
from modules.homework.audio import CONTENT_TYPES
from modules.homework.models import Submission

OCTET = "application/octet-stream"


def audio_served_as(submission: Submission) -> tuple[str, str]:
    extension = submission.audio_format or "audio"
    return f"submission-{submission.pk}.{extension}", CONTENT_TYPES.get(submission.audio_format, OCTET)


def file_served_as(submission: Submission) -> tuple[str, str]:
    return submission.file_name or f"submission-{submission.pk}", submission.file_content_type or OCTET


def audio_link(submission: Submission) -> SignedUrl | None:
    if not submission.audio:
        return None
    name, content_type = audio_served_as(submission)
    return signed_url(submission.audio, filename=name, content_type=content_type)


def file_link(submission: Submission) -> SignedUrl | None:
    if not submission.file:
        return None
    name, content_type = file_served_as(submission)
    return signed_url(submission.file, filename=name, content_type=content_type)

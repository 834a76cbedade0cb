"""Submitting, reviewing and retrying submissions."""

from __future__ import annotations

from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import Conflict, PayloadTooLarge, PermissionDenied, ValidationFailed
from core.tasks import enqueue
from modules.accounts.models import User
from modules.center.selectors import get_system_settings
from modules.courses.selectors import is_group_member
from modules.homework import events, transcription
from modules.homework.audio import AudioInfo, validate_audio
from modules.homework.models import Homework, HomeworkTranscript, Submission
from modules.homework.services.state import (
    is_stuck,
    mark_manual_review,
    submission_score_auto,
    submission_set_status,
)
from modules.homework.signals import HomeworkReviewed, homework_reviewed

TRANSCRIBE_TASK = "modules.homework.tasks.transcribe_submission"
MAX_TEXT_CHARS = 20000
NO_PROVIDER_REASON = (
    "Automatic transcription is not configured (no OPENAI_API_KEY); the teacher listens and scores."
)


def _require_answer(
    homework: Homework, text: str, file: UploadedFile | None, audio: UploadedFile | None
) -> None:
    if len(text) > MAX_TEXT_CHARS:
        raise ValidationFailed.field(
            "text", _("At most {max_text_chars} characters.").format(max_text_chars=MAX_TEXT_CHARS)
        )
    needed = {"text": bool(text.strip()), "audio": audio is not None, "file": file is not None}
    if not needed[homework.kind]:
        raise ValidationFailed.field(
            homework.kind,
            _("This homework needs a {kind} answer.").format(kind=homework.get_kind_display().lower()),
            type="missing",
        )


def _validate_file(upload: UploadedFile) -> str:
    """The file's type as its bytes say (the name and the client's Content-Type are not trusted)."""
    from modules.resources.filetypes import DOCUMENT_EXTENSIONS, IMAGE_EXTENSIONS, require_type

    limit_mb = get_system_settings().max_upload_mb
    if upload.size > limit_mb * 1024 * 1024:
        raise PayloadTooLarge(
            _("Files may be at most {limit_mb} MB.").format(limit_mb=limit_mb), code="file_too_large"
        )
    return require_type(upload, DOCUMENT_EXTENSIONS | IMAGE_EXTENSIONS).mime


def _check_attempt_allowed(homework: Homework, previous: Submission | None, late: bool) -> None:
    if late and not homework.accepts_late:
        raise Conflict(
            _("The deadline has passed and this homework does not accept late work."), code="deadline_passed"
        )
    if previous is None:
        return
    if not get_system_settings().homework_resubmission_allowed:
        raise Conflict(_("Resubmission is turned off."), code="resubmission_disabled")
    if previous.status == Submission.Status.REVIEWED:
        raise Conflict(_("Your submission has already been reviewed."), code="already_reviewed")
    if late:
        raise Conflict(_("Resubmission is possible only until the deadline."), code="resubmission_closed")


def _after_submit(submission: Submission, homework: Homework) -> None:
    if homework.kind == Homework.Kind.AUDIO:
        if transcription.is_configured():
            enqueue(TRANSCRIBE_TASK, submission.pk)
        else:
            mark_manual_review(submission, NO_PROVIDER_REASON)
    elif homework.kind == Homework.Kind.TEXT:
        submission_score_auto(submission=submission, answer=submission.text)
    else:
        mark_manual_review(submission, "File answers are scored by the teacher.")


@transaction.atomic
def submission_create(
    *,
    homework: Homework,
    student: User,
    text: str = "",
    file: UploadedFile | None = None,
    audio: UploadedFile | None = None,
) -> Submission:
    """A student's (re)submission. Late: after due_at, only when the homework accepts late work.
    Resubmission (when the settings allow it): until the deadline and while not reviewed."""
    if not is_group_member(student.pk, homework.group_id):
        raise PermissionDenied(_("Only students of the group can submit."), code="not_group_member")
    text = text or ""
    _require_answer(homework, text, file, audio)
    info: AudioInfo | None = None
    if audio is not None:
        info = validate_audio(audio, max_seconds=get_system_settings().audio_max_seconds)
    file_type = _validate_file(file) if file is not None else ""
    now = timezone.now()
    late = now > homework.due_at
    previous = (
        Submission.objects.select_for_update()
        .filter(homework=homework, student=student, is_current=True)
        .first()
    )
    _check_attempt_allowed(homework, previous, late)
    if previous is not None:
        previous.is_current = False
        previous.save(update_fields=["is_current", "updated_at"])
    submission = Submission(
        homework=homework,
        student=student,
        attempt=(previous.attempt + 1) if previous else 1,
        text=text.strip(),
        submitted_at=now,
        status_changed_at=now,
        is_late=late,
    )
    if info is not None:
        submission.audio.save(f"answer.{info.extension}", audio, save=False)
        submission.audio_format, submission.audio_seconds = info.extension, info.seconds
    if file is not None:
        submission.file_name = (file.name or "")[:255]
        submission.file_content_type = file_type
        submission.file.save(file.name or "answer", file, save=False)
    try:
        with transaction.atomic():
            submission.save()
    except IntegrityError as exc:  # a concurrent submission of the same student won
        for stored in (submission.audio, submission.file):
            if stored:
                stored.delete(save=False)  # no row will ever point at them
        raise Conflict(
            _("Another submission is being saved; try again."), code="submission_conflict"
        ) from exc
    # A new submission has no transcript yet: say so, so serializing it does not query for one.
    Submission.transcript.related.set_cached_value(submission, None)
    events.submission_updated(submission)
    _after_submit(submission, homework)
    return submission


@transaction.atomic
def submission_review(
    *, submission: Submission, actor: User, score: float | Decimal, feedback: str = ""
) -> Submission:
    """A teacher's verdict: the final score (overriding the automatic one) and feedback."""
    locked = Submission.objects.select_for_update().get(pk=submission.pk)
    if not locked.is_current:
        raise Conflict(_("A newer attempt exists; review that one."), code="superseded")
    if locked.status == Submission.Status.TRANSCRIBING and not is_stuck(locked):
        raise Conflict(_("The recording is still being transcribed."), code="transcribing")
    max_score = submission.homework.max_score
    score = Decimal(str(score)).quantize(Decimal("0.01"))
    if score < 0 or score > max_score:
        raise ValidationFailed.field(
            "score", _("The score must be between 0 and {max_score}.").format(max_score=max_score)
        )
    previous_score = locked.score if locked.reviewed_at else None
    submission.refresh_from_db()
    submission.score, submission.feedback = score, feedback.strip()
    submission.reviewed_by, submission.reviewed_at = actor, timezone.now()
    submission.needs_manual_review = False
    submission_set_status(
        submission,
        Submission.Status.REVIEWED,
        fields=("score", "feedback", "reviewed_by", "reviewed_at", "needs_manual_review"),
    )
    event = HomeworkReviewed(
        submission.pk, submission.homework_id, submission.student_id, getattr(actor, "pk", None)
    )
    homework_reviewed.send(
        sender=Submission, event=event, submission=submission, previous_score=previous_score, actor=actor
    )
    return submission


@transaction.atomic
def submission_retry_transcription(*, submission: Submission, actor: User) -> Submission:
    """Send a failed, never sent or stuck (a dead worker's claim, a lost task) recording to the
    provider again. A transcribed one never is."""
    locked = Submission.objects.select_for_update().get(pk=submission.pk)
    if not locked.audio:
        raise Conflict(_("This submission has no recording."), code="no_audio")
    retryable = (
        locked.status == Submission.Status.FAILED
        or (locked.status == Submission.Status.SUBMITTED and locked.needs_manual_review)
        or is_stuck(locked)
    )
    if not retryable:
        raise Conflict(
            _("The submission is {status}; only failed or stuck ones are retried.").format(
                status=locked.get_status_display().lower()
            ),
            code="not_retryable",
        )
    if not transcription.is_configured():
        raise Conflict(_("Automatic transcription is not configured."), code="transcription_disabled")
    submission.refresh_from_db()
    submission.failure_reason = ""
    submission.needs_manual_review, submission.manual_review_reason = False, ""
    HomeworkTranscript.objects.filter(submission=submission).update(last_error="")
    submission_set_status(
        submission,
        Submission.Status.SUBMITTED,
        fields=("failure_reason", "needs_manual_review", "manual_review_reason"),
    )
    enqueue(TRANSCRIBE_TASK, submission.pk)
    return submission

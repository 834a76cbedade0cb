from django.http import FileResponse
from ninja import File, Form, Query, Router, Status, UploadedFile

from core.idempotency import idempotent
from core.pagination import paginate
from core.permissions import check
from core.schemas import errors
from modules.courses.selectors import visible_group_ref
from modules.homework import selectors, services
from modules.homework.attachments import audio_served_as, file_served_as
from modules.homework.permissions import (
    CAN_MANAGE_HOMEWORK,
    CAN_RETRY,
    CAN_REVIEW,
    CAN_SEE_REVIEW_QUEUE,
    CAN_SUBMIT,
)
from modules.homework.schemas import (
    HomeworkCreateIn,
    HomeworkFilter,
    HomeworkOut,
    HomeworkUpdateIn,
    ReviewQueueFilter,
    SubmissionFilter,
    SubmissionOut,
    SubmissionReviewIn,
)

router = Router()
homework = Router(tags=["homework"])
submissions = Router(tags=["homework submissions"])

BINARY = {
    "responses": {
        200: {
            "description": "the file",
            "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


@homework.post(
    "/homework",
    response={201: HomeworkOut, **errors(401, 403, 404, 422, 429)},
    summary="Assign homework to a group (its teacher, admins)",
)
@idempotent
def create_homework(request, payload: HomeworkCreateIn):
    group = visible_group_ref(request.auth, payload.group_id)
    check(CAN_MANAGE_HOMEWORK, request.auth, group)
    data = payload.dict(exclude={"group_id"})
    created = services.homework_create(actor=request.auth, group=group, **data)
    return Status(201, selectors.homework_get(request.auth, created.pk))


@homework.get(
    "/homework", response={200: list[HomeworkOut], **errors(401, 422, 429)}, summary="List visible homework"
)
@paginate
def list_homework(request, filters: Query[HomeworkFilter]):
    return selectors.homework_list(
        request.auth,
        group_id=filters.group,
        lesson_id=filters.lesson,
        kind=filters.kind,
        due_from=filters.due_from,
        due_to=filters.due_to,
        search=filters.search,
        ordering=filters.ordering,
    )


@homework.get(
    "/groups/{group_id}/homework",
    response={200: list[HomeworkOut], **errors(401, 404, 422, 429)},
    summary="List a group's homework",
)
@paginate
def list_group_homework(request, group_id: int):
    group = selectors.group_get(request.auth, group_id)
    return selectors.homework_list(request.auth, group_id=group.pk)


@homework.get(
    "/homework/{homework_id}", response={200: HomeworkOut, **errors(401, 404, 429)}, summary="Get homework"
)
def get_homework(request, homework_id: int):
    return selectors.homework_get(request.auth, homework_id)


@homework.patch(
    "/homework/{homework_id}",
    response={200: HomeworkOut, **errors(401, 403, 404, 409, 422, 429)},
    summary="Update homework (its group's teacher, admins)",
)
def update_homework(request, homework_id: int, payload: HomeworkUpdateIn):
    item = selectors.homework_get(request.auth, homework_id)
    check(CAN_MANAGE_HOMEWORK, request.auth, item)
    services.homework_update(homework=item, actor=request.auth, **payload.dict(exclude_unset=True))
    return selectors.homework_get(request.auth, homework_id)


@homework.delete(
    "/homework/{homework_id}",
    response={204: None, **errors(401, 403, 404, 409, 429)},
    summary="Delete homework nobody has submitted yet",
)
def delete_homework(request, homework_id: int):
    item = selectors.homework_get(request.auth, homework_id)
    check(CAN_MANAGE_HOMEWORK, request.auth, item)
    services.homework_delete(homework=item, actor=request.auth)
    return Status(204, None)


@homework.post(
    "/homework/{homework_id}/submissions",
    response={201: SubmissionOut, **errors(401, 403, 404, 409, 413, 415, 422, 429)},
    summary="Submit an answer (multipart: text, file, audio); audio is transcribed and scored by the worker",
)
@idempotent
def submit_homework(
    request,
    homework_id: int,
    text: Form[str] = "",
    file: File[UploadedFile] = None,
    audio: File[UploadedFile] = None,
):
    item = selectors.homework_get(request.auth, homework_id)
    check(CAN_SUBMIT, request.auth, item)
    created = services.submission_create(
        homework=item, student=request.auth, text=text, file=file, audio=audio
    )
    return Status(201, selectors.submission_get(request.auth, created.pk))


@homework.get(
    "/homework/{homework_id}/submissions",
    response={200: list[SubmissionOut], **errors(401, 404, 422, 429)},
    summary="Submissions of a homework (a student sees their own, a parent their children's)",
)
@paginate
def list_homework_submissions(request, homework_id: int, filters: Query[SubmissionFilter]):
    item = selectors.homework_get(request.auth, homework_id)
    return selectors.homework_submissions(
        request.auth,
        item,
        status=filters.status,
        student_id=filters.student,
        all_attempts=filters.all_attempts,
        ordering=filters.ordering,
    )


@submissions.get(
    "/students/{student_id}/submissions",
    response={200: list[SubmissionOut], **errors(401, 404, 422, 429)},
    summary="A student's homework history",
)
@paginate
def list_student_submissions(request, student_id: int, filters: Query[SubmissionFilter]):
    return selectors.student_submissions(
        request.auth,
        student_id,
        status=filters.status,
        all_attempts=filters.all_attempts,
        ordering=filters.ordering,
    )


@submissions.get(
    "/submissions/review-queue",
    response={200: list[SubmissionOut], **errors(401, 403, 422, 429)},
    summary="Submissions awaiting a teacher's review (oldest first)",
)
@paginate
def list_review_queue(request, filters: Query[ReviewQueueFilter]):
    check(CAN_SEE_REVIEW_QUEUE, request.auth)
    return selectors.review_queue(request.auth, group_id=filters.group, homework_id=filters.homework)


@submissions.get(
    "/submissions/{submission_id}",
    response={200: SubmissionOut, **errors(401, 404, 429)},
    summary="Get a submission",
)
def get_submission(request, submission_id: int):
    return selectors.submission_get(request.auth, submission_id)


@submissions.post(
    "/submissions/{submission_id}/review",
    response={200: SubmissionOut, **errors(401, 403, 404, 409, 422, 429)},
    summary="Review: final score and feedback (the group's teacher, admins)",
)
def review_submission(request, submission_id: int, payload: SubmissionReviewIn):
    item = selectors.submission_get(request.auth, submission_id)
    check(CAN_REVIEW, request.auth, item)
    services.submission_review(
        submission=item, actor=request.auth, score=payload.score, feedback=payload.feedback
    )
    return selectors.submission_get(request.auth, submission_id)


@submissions.post(
    "/submissions/{submission_id}/retry",
    response={202: SubmissionOut, **errors(401, 403, 404, 409, 429)},
    summary="Send a failed recording to transcription again (the group's teacher, admins)",
)
def retry_submission_transcription(request, submission_id: int):
    item = selectors.submission_get(request.auth, submission_id)
    check(CAN_RETRY, request.auth, item)
    services.submission_retry_transcription(submission=item, actor=request.auth)
    return Status(202, selectors.submission_get(request.auth, submission_id))


def _download(field_file, served_as: tuple[str, str]):
    """Always an attachment, typed as modules.homework.attachments says."""
    name, content_type = served_as
    return FileResponse(field_file.open("rb"), as_attachment=True, filename=name, content_type=content_type)


@submissions.get(
    "/submissions/{submission_id}/audio",
    response={**errors(401, 404, 429)},
    openapi_extra=BINARY,
    summary="Download the recording of a submission",
)
def download_submission_audio(request, submission_id: int):
    item = selectors.submission_attachment(request.auth, submission_id, "audio")
    return _download(item.audio, audio_served_as(item))


@submissions.get(
    "/submissions/{submission_id}/file",
    response={**errors(401, 404, 429)},
    openapi_extra=BINARY,
    summary="Download the file of a submission",
)
def download_submission_file(request, submission_id: int):
    item = selectors.submission_attachment(request.auth, submission_id, "file")
    return _download(item.file, file_served_as(item))


router.add_router("", homework)
router.add_router("", submissions)

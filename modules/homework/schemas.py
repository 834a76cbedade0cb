from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema

from core.ordering import ordering_choices
from core.schemas import InputSchema, QuerySchema
from core.signed_files import link_expiry
from modules.homework.attachments import audio_link, file_link
from modules.resources.schemas import ResourceOut

Kind = Literal["text", "audio", "file"]
Status = Literal["submitted", "transcribing", "transcribed", "scored", "reviewed", "failed"]

API_PREFIX = "/api/v1"


class HomeworkCreateIn(InputSchema):
    group_id: int
    title: str = Field(..., min_length=1, max_length=200)
    kind: Kind
    due_at: datetime = Field(..., description="ISO 8601; without an offset it is read in the center's zone")
    max_score: int = Field(..., ge=1, le=1000)
    instructions: str = Field("", max_length=5000)
    reference_text: str = Field("", max_length=20000, description="what is scored against")
    lesson_id: int | None = None
    accepts_late: bool = False
    resource_ids: list[int] = Field(default_factory=list, max_length=50, description="attached materials")


class HomeworkUpdateIn(InputSchema):
    title: str | None = Field(None, min_length=1, max_length=200)
    kind: Kind | None = None
    due_at: datetime | None = None
    max_score: int | None = Field(None, ge=1, le=1000)
    instructions: str | None = Field(None, max_length=5000)
    reference_text: str | None = Field(None, max_length=20000)
    lesson_id: int | None = None
    accepts_late: bool | None = None
    resource_ids: list[int] | None = Field(None, max_length=50, description="replaces the attached materials")


class MySubmissionOut(Schema):
    id: int
    attempt: int
    status: Status
    score: float | None
    is_late: bool
    submitted_at: datetime

    @staticmethod
    def resolve_score(obj) -> float | None:
        return float(obj.score) if obj.score is not None else None


class ChildSubmissionOut(MySubmissionOut):
    student_id: int


class HomeworkOut(Schema):
    id: int
    group_id: int
    group_name: str
    lesson_id: int | None
    title: str
    instructions: str
    kind: Kind
    reference_text: str = Field(
        description="empty for students and parents when kind is text (the answer key)"
    )
    due_at: datetime
    max_score: int
    accepts_late: bool
    resources: list[ResourceOut]
    my_submission: MySubmissionOut | None = Field(
        None, description="a student's own current submission (lists and detail; null before submitting)"
    )
    children_submissions: list[ChildSubmissionOut] | None = Field(
        None,
        description="a parent's children's current submissions, one per child who submitted (null when not a parent)",
    )
    created_by_id: int | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_group_name(obj) -> str:
        return obj.group.name  # select_related by every selector

    @staticmethod
    def resolve_reference_text(obj, context) -> str:
        """A text homework's reference is its answer key (pasting it scores full marks): only staff
        see it. An audio homework's reference is the passage the student reads aloud: everyone."""
        if obj.kind != "text":
            return obj.reference_text
        request = (context or {}).get("request")
        viewer = getattr(request, "auth", None)
        return obj.reference_text if getattr(viewer, "role", None) in ("admin", "teacher") else ""

    @staticmethod
    def resolve_resources(obj) -> list:
        return list(obj.resources.all())  # prefetched by every selector

    @staticmethod
    def resolve_my_submission(obj):
        own = getattr(obj, "viewer_submissions", None)  # prefetched for a student viewer
        return own[0] if own else None

    @staticmethod
    def resolve_children_submissions(obj):
        return getattr(obj, "viewer_children_submissions", None)  # prefetched for a parent viewer


class HomeworkFilter(QuerySchema):
    group: int | None = Field(None, description="a group id")
    lesson: int | None = None
    kind: Kind | None = None
    due_from: datetime | None = None
    due_to: datetime | None = None
    search: str | None = Field(None, max_length=100)
    ordering: ordering_choices("due_at", "created_at", "title") | None = Field(
        None, description="default -due_at; `-` for descending, ties by id"
    )


class StudentBriefOut(Schema):
    id: int
    first_name: str
    last_name: str


class TranscriptOut(Schema):
    text: str
    language: str
    duration: float | None
    model: str
    attempts: int
    segments: list[dict[str, Any]]
    words: list[dict[str, Any]]
    transcribed_at: datetime | None


class MissingWordOut(Schema):
    word: str
    position: int


class SubstitutedWordOut(Schema):
    expected: str
    got: str
    position: int
    near_miss: bool = False


class DiffOut(Schema):
    missing: list[MissingWordOut]
    extra: list[MissingWordOut]
    substituted: list[SubstitutedWordOut]


class SubmissionOut(Schema):
    id: int
    homework_id: int
    homework_title: str
    student: StudentBriefOut
    attempt: int
    is_current: bool
    status: Status
    is_late: bool
    submitted_at: datetime
    text: str
    audio_url: str | None = Field(None, description="download through the API (authorized)")
    audio_seconds: float | None
    file_url: str | None = None
    url_expires_at: datetime | None = Field(None, description="when the signed URLs stop working")
    audio_signed_url: str | None = Field(
        None, description="the recording without a Bearer header (for <audio>), until `url_expires_at`"
    )
    file_signed_url: str | None = Field(
        None, description="the file without a Bearer header, until `url_expires_at`"
    )
    file_name: str
    score: float | None
    auto_score: float | None = Field(None, description="the automatic score before any review")
    max_score: int
    wer: float | None = Field(None, description="word error rate of the transcript against the reference")
    transcript: TranscriptOut | None = None
    diff: DiffOut | None = None
    feedback: str
    needs_manual_review: bool
    manual_review_reason: str
    failure_reason: str
    reviewed_by_id: int | None
    reviewed_at: datetime | None

    @staticmethod
    def resolve_homework_title(obj) -> str:
        return obj.homework.title

    @staticmethod
    def resolve_max_score(obj) -> int:
        return obj.homework.max_score

    @staticmethod
    def resolve_audio_url(obj) -> str | None:
        return f"{API_PREFIX}/submissions/{obj.pk}/audio" if obj.audio else None

    @staticmethod
    def resolve_file_url(obj) -> str | None:
        return f"{API_PREFIX}/submissions/{obj.pk}/file" if obj.file else None

    @staticmethod
    def resolve_audio_signed_url(obj) -> str | None:
        link = audio_link(obj)
        return link.url if link else None

    @staticmethod
    def resolve_file_signed_url(obj) -> str | None:
        link = file_link(obj)
        return link.url if link else None

    @staticmethod
    def resolve_url_expires_at(obj) -> datetime | None:
        return link_expiry() if obj.audio or obj.file else None

    @staticmethod
    def resolve_score(obj) -> float | None:
        return float(obj.score) if obj.score is not None else None

    @staticmethod
    def resolve_auto_score(obj) -> float | None:
        return float(obj.auto_score) if obj.auto_score is not None else None

    @staticmethod
    def resolve_transcript(obj):
        # select_related("transcript") by the selectors: a missing row costs no query.
        try:
            transcript = obj.transcript
        except obj._meta.model.transcript.RelatedObjectDoesNotExist:
            return None
        return transcript if transcript.transcribed_at else None


class SubmissionFilter(QuerySchema):
    status: Status | None = None
    student: int | None = None
    all_attempts: bool = Field(False, description="include earlier (superseded) attempts")
    ordering: ordering_choices("submitted_at", "score", "status", "student") | None = Field(
        None, description="`student` sorts by last name; default: by student (a homework), newest (a student)"
    )


class ReviewQueueFilter(QuerySchema):
    group: int | None = None
    homework: int | None = None


class SubmissionReviewIn(InputSchema):
    score: float = Field(..., ge=0)
    feedback: str = Field("", max_length=5000)

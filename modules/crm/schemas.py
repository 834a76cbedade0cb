"""Request and response shapes of the front office (leads, trials, convert, funnel, public form)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema
from pydantic import model_validator

from core.ordering import ordering_choices
from core.schemas import InputSchema
from modules.attendance.models import Status as AttendanceStatusChoices
from modules.courses.schemas import BranchRefOut, CourseRefOut, MembershipOut, PersonOut
from modules.crm.models import LeadEvent

LeadSource = Literal["walk_in", "phone_call", "instagram", "telegram", "website", "referral", "other"]
LeadStatus = Literal["new", "contacted", "trial_scheduled", "trial_attended", "won", "lost"]
ContactKind = Literal["call", "sms", "telegram", "note"]
EventKind = Literal[tuple(LeadEvent.Kind.values)]  # type: ignore[valid-type]
TrialMark = Literal[tuple(AttendanceStatusChoices.values)]  # type: ignore[valid-type]
Language = Literal["uz", "ru", "en"]
ReportFormat = Literal["json", "csv", "xlsx"]
LeadOrdering = ordering_choices("created_at", "updated_at", "first_name", "last_name", "status")


class LeadOut(Schema):
    id: int
    first_name: str
    last_name: str
    phone: str
    email: str
    language: str
    source: LeadSource
    status: LeadStatus
    course: CourseRefOut | None
    branch: BranchRefOut | None
    assignee: PersonOut | None
    preferred_times: str
    notes: str
    lost_reason: str
    trial_booked_at: datetime | None
    won_at: datetime | None
    student_id: int | None
    membership_id: int | None
    created_at: datetime
    updated_at: datetime


class LeadTrialOut(Schema):
    lesson_id: int
    group_id: int
    starts_at: datetime
    status: TrialMark | None = Field(description="the guest's attendance mark; null until marked")


class LeadDetailOut(LeadOut):
    trials: list[LeadTrialOut] = []


class LeadFilter(Schema):
    status: LeadStatus | None = None
    source: LeadSource | None = None
    assignee: int | None = None
    branch: int | None = None
    course: int | None = None
    search: str | None = Field(None, max_length=100, description="name, phone or email")
    ordering: LeadOrdering = "-created_at"


class LeadCreateIn(InputSchema):
    first_name: str = Field(..., min_length=1, max_length=80)
    last_name: str = Field("", max_length=80)
    phone: str = Field(..., max_length=32, description="any common Uzbek form; stored as E.164")
    email: str | None = Field(None, max_length=254)
    source: LeadSource
    course_id: int | None = None
    branch_id: int | None = None
    assignee_id: int | None = Field(None, description="an admin or teacher")
    notes: str | None = Field(None, max_length=5000)
    preferred_times: str | None = Field(None, max_length=255)
    language: Language | None = None


class LeadUpdateIn(InputSchema):
    status: LeadStatus | None = None
    lost_reason: str | None = Field(None, max_length=255, description="required with status lost")
    assignee_id: int | None = None
    notes: str | None = Field(None, max_length=5000)
    first_name: str | None = Field(None, min_length=1, max_length=80)
    last_name: str | None = Field(None, max_length=80)
    email: str | None = Field(None, max_length=254)
    course_id: int | None = None
    branch_id: int | None = None
    preferred_times: str | None = Field(None, max_length=255)
    language: Language | None = None

    @model_validator(mode="after")
    def _lost_needs_reason(self):
        if self.status == "lost" and not (self.lost_reason or "").strip():
            raise ValueError("lost_reason is required when the status is lost")
        return self


class LeadEventOut(Schema):
    id: int
    kind: EventKind
    from_status: LeadStatus | Literal[""] = Field(description='"" when the event changed no status')
    to_status: LeadStatus | Literal[""]
    note: str
    data: dict
    actor: PersonOut | None
    created_at: datetime


class ContactIn(InputSchema):
    kind: ContactKind
    note: str = Field("", max_length=5000)


class TrialIn(InputSchema):
    lesson_id: int


class ParentIn(InputSchema):
    first_name: str = Field(..., min_length=1, max_length=80)
    last_name: str = Field("", max_length=80)
    phone: str = Field(..., max_length=32)
    relation: str = Field("parent", max_length=32)


class ConvertIn(InputSchema):
    group_id: int
    joined_on: date | None = None
    discount_type: Literal["none", "percent", "fixed"] = "none"
    discount_value: int = Field(0, ge=0)
    parents: list[ParentIn] = Field([], max_length=4, description="created or reused by phone, then linked")

    @model_validator(mode="after")
    def _check(self):
        if self.discount_type == "percent" and self.discount_value > 100:
            raise ValueError("a percent discount is at most 100")
        return self


class ConvertedStudentOut(Schema):
    id: int
    first_name: str
    last_name: str
    phone: str
    email: str | None


class ConvertOut(Schema):
    student: ConvertedStudentOut
    membership: MembershipOut


class FunnelQuery(Schema):
    date_from: date | None = Field(None, description="leads created from this local day")
    date_to: date | None = Field(None, description="to this local day, inclusive")
    branch: int | None = None
    source: LeadSource | None = None
    assignee: int | None = None
    format: ReportFormat = "json"

    @model_validator(mode="after")
    def _range(self):
        if self.date_from and self.date_to and self.date_to < self.date_from:
            raise ValueError("date_to must not be before date_from")
        return self


class StageOut(Schema):
    status: LeadStatus
    count: int


class ConversionOut(Schema):
    lead_to_trial: float | None
    trial_to_won: float | None
    lead_to_won: float | None


class FunnelSliceOut(Schema):
    count: int
    trials: int = Field(description="leads ever booked into a trial")
    stages: list[StageOut]
    conversion: ConversionOut


class SourceSliceOut(FunnelSliceOut):
    source: LeadSource


class AssigneeSliceOut(FunnelSliceOut):
    assignee: PersonOut | None


class LostReasonOut(Schema):
    reason: str
    count: int


class FunnelOut(Schema):
    date_from: date | None
    date_to: date | None
    total: int
    trials: int = Field(description="leads ever booked into a trial")
    stages: list[StageOut]
    conversion: ConversionOut
    median_days_to_convert: float | None = Field(description="from the enquiry to won, in days")
    by_source: list[SourceSliceOut]
    by_assignee: list[AssigneeSliceOut]
    lost_reasons: list[LostReasonOut]


class PublicLeadIn(InputSchema):
    first_name: str = Field(..., min_length=1, max_length=80)
    phone: str = Field(..., max_length=32)
    course_id: int | None = None
    branch_id: int | None = None
    message: str | None = Field(None, max_length=2000)
    website: str | None = Field(None, max_length=200, description="leave empty (a trap for bots)")

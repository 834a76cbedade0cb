from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema
from pydantic import field_validator

from core.schemas import InputSchema

RateKind = Literal["per_lesson", "per_present_student", "revenue_percent", "fixed_monthly"]
RunStatus = Literal["draft", "approved", "paid"]


class TeacherRefOut(Schema):
    id: int
    first_name: str
    last_name: str


class RateOut(Schema):
    id: int
    teacher: TeacherRefOut
    course_id: int | None
    group_id: int | None
    kind: RateKind
    amount: int = Field(description="tiyin; for revenue_percent basis points (2500 = 25 %)")
    count_makeup_lessons: bool
    count_trial_lessons: bool
    count_lessons_nobody_attended: bool
    active_from: date
    active_to: date | None
    note: str


class RateCreateIn(InputSchema):
    teacher_id: int
    kind: RateKind
    amount: int = Field(gt=0, le=10**13)
    course_id: int | None = None
    group_id: int | None = None
    count_makeup_lessons: bool = True
    count_trial_lessons: bool = False
    count_lessons_nobody_attended: bool = False
    active_from: date
    active_to: date | None = None
    note: str = Field("", max_length=255)


class RateFilter(Schema):
    teacher: int | None = None


class RunFilter(Schema):
    branch: int | None = Field(None, description="one branch's runs (a branch admin: one of theirs)")


class RunCreateIn(InputSchema):
    period: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")
    branch_id: int | None = None

    @field_validator("period")
    @classmethod
    def _year(cls, value: str) -> str:
        if not 2000 <= int(value[:4]) <= 2100:
            raise ValueError("period must be a month between 2000 and 2100")
        return value

    def month(self) -> date:
        return date(int(self.period[:4]), int(self.period[5:7]), 1)


class LineOut(Schema):
    id: int
    kind: RateKind
    rate_id: int | None
    lesson_id: int | None
    group_id: int | None
    lesson_starts_at: datetime | None
    present_students: int
    basis: int = Field(description="for a revenue share: the group's revenue in tiyin")
    amount: int


class StatementOut(Schema):
    id: int
    run_id: int
    period: date
    run_status: RunStatus
    teacher: TeacherRefOut
    lessons: int
    base_amount: int
    adjustments_amount: int
    total: int
    currency: str = "UZS"
    lines: list[LineOut]

    @staticmethod
    def resolve_period(obj) -> date:
        return obj.run.period

    @staticmethod
    def resolve_run_status(obj) -> str:
        return obj.run.status

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.all())


class AdjustmentOut(Schema):
    id: int
    teacher_id: int
    kind: Literal["bonus", "penalty"]
    amount: int
    reason: str
    created_at: datetime


class RunOut(Schema):
    id: int
    period: date
    branch_id: int | None
    status: RunStatus
    total: int
    currency: str = "UZS"
    computed_at: datetime | None
    approved_at: datetime | None
    approved_by_id: int | None
    paid_on: date | None
    paid_method: str


class RunDetailOut(RunOut):
    statements: list[StatementOut]
    adjustments: list[AdjustmentOut]

    @staticmethod
    def resolve_statements(obj):
        statements = list(obj.statements.all())
        for statement in statements:
            statement.run = obj  # the run is known: no query per statement
        return statements

    @staticmethod
    def resolve_adjustments(obj):
        return list(obj.adjustments.all())


class AdjustmentIn(InputSchema):
    teacher_id: int
    kind: Literal["bonus", "penalty"]
    amount: int = Field(gt=0, le=10**13)
    reason: str = Field(min_length=1, max_length=255)


class RunPayIn(InputSchema):
    paid_on: date
    method: Literal["cash", "card", "transfer"]


class StatementFilter(Schema):
    run: int | None = None
    teacher: int | None = None

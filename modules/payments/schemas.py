from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema
from pydantic import field_validator

from core.ordering import ordering_choices
from core.schemas import InputSchema, QuerySchema
from modules.payments.fiscal import fiscal_receipts
from modules.payments.money_schemas import FiscalReceiptOut, PaymentRecordOut

Status = Literal["pending", "partially_paid", "paid", "overdue", "cancelled", "refunded"]
ManualMethod = Literal["cash", "card", "transfer"]
Method = Literal["payme", "click", "uzum", "cash", "card", "transfer", "balance"]
ReportFormat = Literal["json", "csv", "xlsx"]


class PaymentStudentOut(Schema):
    id: int
    first_name: str
    last_name: str
    phone: str


class PaymentGroupOut(Schema):
    id: int
    name: str


class PaymentOut(Schema):
    id: int
    student: PaymentStudentOut
    group: PaymentGroupOut | None
    amount: int = Field(description="tiyin")
    amount_paid: int = Field(description="tiyin received so far")
    amount_due: int = Field(description="tiyin still owed; online gateways take exactly this")
    currency: str
    description: str
    period: date | None = Field(None, description="first day of the billed month")
    due_date: date
    status: Status
    paid_at: datetime | None
    method: Method | None
    external_reference: str
    schedule_id: int | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_method(obj) -> str | None:
        return obj.method or None


class PaymentHistoryOut(Schema):
    id: int
    from_status: Status | None
    to_status: Status
    actor_id: int | None = Field(None, description="null: the system (a task or Payme)")
    actor_name: str | None
    source: str
    reason: str
    created_at: datetime

    @staticmethod
    def resolve_from_status(obj) -> str | None:
        return obj.from_status or None

    @staticmethod
    def resolve_actor_name(obj) -> str | None:
        return obj.actor.full_name if obj.actor_id else None


class PaymentDetailOut(PaymentOut):
    history: list[PaymentHistoryOut]
    records: list[PaymentRecordOut] = Field(description="every part paid and every refund")
    fiscal_receipts: list[FiscalReceiptOut] = Field(description="fiscal receipts reported by Payme")

    @staticmethod
    def resolve_history(obj):
        return list(obj.history.all())  # prefetched by the selector

    @staticmethod
    def resolve_records(obj):
        return list(obj.records.all())  # prefetched by the selector

    @staticmethod
    def resolve_fiscal_receipts(obj):
        return fiscal_receipts(obj)  # from prefetched Payme transactions


class PaymentCreateIn(InputSchema):
    student_id: int
    amount: int = Field(gt=0, le=10**13, description="tiyin")
    due_date: date
    group_id: int | None = None
    description: str = Field("", max_length=255)
    period: date | None = Field(None, description="the billed month (any day of it)")


class PaymentUpdateIn(InputSchema):
    amount: int | None = Field(None, gt=0, le=10**13)
    due_date: date | None = None
    description: str | None = Field(None, max_length=255)


class PaymentConfirmIn(InputSchema):
    method: ManualMethod
    amount: int | None = Field(
        None,
        gt=0,
        le=10**13,
        description="tiyin; default: all that is due. Less: partially paid; more: the rest to the balance",
    )
    external_reference: str = Field("", max_length=100, description="receipt or bank reference")
    paid_at: datetime | None = Field(None, description="defaults to now")
    note: str = Field("", max_length=255)


class PaymentReasonIn(InputSchema):
    reason: str = Field("", max_length=255)


class PaymentRefundIn(InputSchema):
    reason: str = Field(min_length=1, max_length=255)


class PaymentFilter(QuerySchema):
    status: Status | None = None
    student: int | None = None
    group: int | None = None
    period: date | None = Field(None, description="any day of the billed month")
    due_from: date | None = None
    due_to: date | None = None
    search: str | None = Field(None, max_length=100)
    ordering: ordering_choices("due_date", "created_at", "amount", "paid_at") | None = None


class PaymeLinkIn(InputSchema):
    language: Literal["uz", "ru", "en"] | None = Field(None, description="defaults to the caller's language")
    return_url: str | None = Field(None, max_length=500, description="must start with FRONTEND_URL")


class PaymeLinkOut(Schema):
    url: str
    amount: int
    currency: str
    payment_id: int


# --- schedules ---------------------------------------------------------------------------------------


class BillingScheduleOut(Schema):
    id: int
    membership_id: int
    student: PaymentStudentOut
    group: PaymentGroupOut
    amount: int | None = Field(description="fixed tiyin, or null: the group price minus discount")
    current_amount: int = Field(description="what the next invoice will charge for a full month")
    due_day: int
    active_from: date
    active_to: date | None
    is_active: bool
    created_at: datetime

    @staticmethod
    def resolve_student(obj):
        return obj.membership.student

    @staticmethod
    def resolve_group(obj):
        return obj.membership.group

    @staticmethod
    def resolve_current_amount(obj) -> int:
        return obj.amount if obj.amount is not None else obj.membership.monthly_amount()


class BillingScheduleCreateIn(InputSchema):
    membership_id: int
    amount: int | None = Field(None, gt=0, le=10**13)
    due_day: int = Field(5, ge=1, le=28)
    active_from: date | None = Field(None, description="defaults to the membership's join date")
    active_to: date | None = None


class BillingScheduleUpdateIn(InputSchema):
    amount: int | None = Field(None, gt=0, le=10**13)
    due_day: int | None = Field(None, ge=1, le=28)
    active_from: date | None = None
    active_to: date | None = None
    is_active: bool | None = None


class ScheduleFilter(QuerySchema):
    student: int | None = None
    group: int | None = None
    membership: int | None = None
    is_active: bool | None = None


# --- reports -----------------------------------------------------------------------------------------

BRANCH_HELP = "one branch only; by default the caller's branches (a branch admin's) or all (the director)"


class ReportQuery(QuerySchema):
    date_from: date | None = Field(None, description="paid on or after (center's time zone)")
    date_to: date | None = Field(None, description="paid on or before")
    branch: int | None = Field(None, description=BRANCH_HELP)
    format: ReportFormat = "json"

    @field_validator("date_to")
    @classmethod
    def _range(cls, value, info):
        start = info.data.get("date_from")
        if value and start and value < start:
            raise ValueError("date_to must not be before date_from")
        return value


class DebtorQuery(QuerySchema):
    group: int | None = None
    branch: int | None = Field(None, description=BRANCH_HELP)
    by: Literal["overdue", "net_owed"] = Field(
        "overdue", description="order by overdue amount or by net_owed"
    )
    format: ReportFormat = "json"


class RevenueMonthOut(Schema):
    month: date
    amount: int
    payments: int
    currency: str = "UZS"


class RevenueGroupOut(Schema):
    group_id: int | None
    group_name: str
    amount: int
    payments: int
    currency: str = "UZS"


class DebtorOut(Schema):
    student: PaymentStudentOut
    overdue_amount: int
    overdue_invoices: int
    pending_amount: int
    total_owed: int
    balance: int = Field(0, description="tiyin on the student's balance")
    net_owed: int = Field(0, description="total_owed less the balance")
    oldest_due_date: date
    currency: str = "UZS"

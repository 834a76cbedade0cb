"""Schemas of money records, balances, the cash desk report and fiscal receipts."""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from core.schemas import InputSchema

DeskMethod = Literal["cash", "card", "transfer"]


class CashierRefOut(Schema):
    id: int
    first_name: str
    last_name: str


class PaymentRecordOut(Schema):
    id: int
    kind: Literal["payment", "refund"]
    payment_id: int | None = Field(None, description="null: a prepayment to the balance")
    student_id: int
    method: str
    amount: int = Field(description="tiyin, always positive; `kind` gives the direction")
    currency: str = "UZS"
    receipt_number: str | None
    external_reference: str
    cashier: CashierRefOut | None
    source: str
    note: str
    occurred_at: datetime


class FiscalReceiptOut(Schema):
    provider: str
    transaction: str
    type: Literal["PERFORM", "CANCEL"]
    receipt_id: str | None
    status_code: str | None
    message: str | None
    terminal_id: str | None
    fiscal_sign: str | None
    qr_code_url: str | None
    date: str | None


class BalanceEntryOut(Schema):
    id: int
    amount: int = Field(description="signed tiyin")
    kind: str
    payment_id: int | None
    note: str
    created_at: datetime


class BalanceOut(Schema):
    student_id: int
    balance: int = Field(description="tiyin the center holds for the student; the sum of `entries`")
    currency: str = "UZS"
    entries: list[BalanceEntryOut]


class BalanceDepositIn(InputSchema):
    method: DeskMethod
    amount: int = Field(gt=0, le=10**13, description="tiyin")
    external_reference: str = Field("", max_length=100)
    paid_at: datetime | None = None
    note: str = Field("", max_length=255)


class BalanceWithdrawIn(InputSchema):
    method: DeskMethod
    amount: int = Field(gt=0, le=10**13, description="tiyin")
    note: str = Field(min_length=1, max_length=255)


class CashboxQuery(Schema):
    model_config = ConfigDict(extra="forbid")

    date: dt.date | None = Field(None, description="the center's day; default today")
    branch: int | None = None
    format: Literal["json", "csv", "xlsx"] = "json"


class CashboxTotalOut(Schema):
    method: str
    cashier: CashierRefOut | None
    payments: int = Field(description="tiyin received")
    refunds: int = Field(description="tiyin given back")
    net: int
    count: int
    currency: str = "UZS"


class CashboxOut(Schema):
    date: dt.date
    branch: int | None
    totals: list[CashboxTotalOut]
    by_method: dict[str, int] = Field(description="net tiyin per method")
    net: int
    records: list[PaymentRecordOut]
    currency: str = "UZS"

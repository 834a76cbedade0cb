"""Schemas every module shares: the error shape, a helper to declare errors on an operation, the
bases every input schema derives from (request bodies, query filters) and the base of plain output
shapes (PlainOut)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import FilterSchema, Schema
from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

# Every integer column is at most a bigint; a larger number can only be refused by the database.
BIGINT_MAX = 2**63 - 1
# No float the API takes (scores, durations) is anywhere near this; far larger ones (1e308) overflow
# the decimal arithmetic (quantize) and the numeric columns behind them.
FLOAT_LIMIT = 1e15
# Dates far outside an education center's life overflow as soon as a day is added or a local date
# becomes an aware datetime (date.max + 1 day, date.min in UTC): refused before they get that far.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2999, 12, 31)


def refuse_unstorable(value: Any) -> Any:
    """Raises a pydantic error for what PostgreSQL or the date arithmetic behind the API cannot take:
    NUL characters in text, integers beyond bigint, floats beyond FLOAT_LIMIT, dates outside
    EARLIEST_DATE..LATEST_DATE.
    Walks lists, tuples, sets and dicts (their keys too)."""
    if isinstance(value, str):
        if "\x00" in value:
            raise PydanticCustomError("nul_character", "Text must not contain NUL (\\x00) characters")
    elif isinstance(value, bool):
        pass
    elif isinstance(value, int):
        if not -BIGINT_MAX - 1 <= value <= BIGINT_MAX:
            raise PydanticCustomError("int_out_of_range", "Integer is out of range (64-bit)")
    elif isinstance(value, float):
        if not -FLOAT_LIMIT <= value <= FLOAT_LIMIT:
            raise PydanticCustomError("float_out_of_range", "Number is out of range (at most 1e15)")
    elif isinstance(value, date):
        day = value.date() if isinstance(value, datetime) else value
        if not EARLIEST_DATE <= day <= LATEST_DATE:
            raise PydanticCustomError(
                "date_out_of_range",
                "Date must be between {earliest} and {latest}",
                {"earliest": EARLIEST_DATE.isoformat(), "latest": LATEST_DATE.isoformat()},
            )
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            refuse_unstorable(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            refuse_unstorable(key)
            refuse_unstorable(item)
    return value


class PlainOut(BaseModel):
    """An output shape read from dicts or plain attributes entirely in pydantic-core. Ninja's Schema
    wraps every object it validates in a Python getter (for managers, files, resolvers); nested in
    every row of a list that wrapper is most of the serialising: 10 leaderboard entries, 0.20 vs 0.03
    ms (measured). Use it for shapes built from values() rows, snapshots or simple attributes."""

    model_config = ConfigDict(from_attributes=True)

    @classmethod
    def from_orm(cls, obj):  # the name Ninja schemas use, so callers need not know which base a shape has
        return cls.model_validate(obj)


class _SafeValues:
    """Every field of an input passes `refuse_unstorable` once parsed (nested input schemas check
    their own fields); non-finite floats (inf, nan, 1e999) are refused by `allow_inf_nan`."""

    @field_validator("*", mode="after")
    @classmethod
    def _refuse_unstorable_values(cls, value: Any) -> Any:
        return refuse_unstorable(value)


class InputSchema(_SafeValues, Schema):
    """The base of every request body: an unknown field is a 422 naming it (a mistyped
    `"audiance"` must never fall back to a default such as "everyone")."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class QuerySchema(_SafeValues, Schema):
    """The base of query-string schemas. Unknown query parameters are ignored, not refused:
    proxies, browsers and analytics add their own (`_=` cache busters, `utm_*`), and a GET changes
    nothing, so a typo there can only widen a read the caller is allowed anyway."""

    model_config = ConfigDict(allow_inf_nan=False)


class QueryFilterSchema(_SafeValues, FilterSchema):
    """FilterSchema with the same checks as QuerySchema."""

    model_config = ConfigDict(allow_inf_nan=False)


class ErrorItem(Schema):
    loc: list[Any] = Field(description='where: ["body", <field>, ...], ["query", <param>], ["path", <param>]')
    msg: str
    type: str


class ErrorOut(Schema):
    detail: str | list[ErrorItem]
    code: str


def errors(*codes: int) -> dict[int, type[ErrorOut]]:
    """`response={200: XOut, **errors(401, 404)}` declares what an operation can answer."""
    return {code: ErrorOut for code in codes}

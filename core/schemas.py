"""Schemas every module shares: the error shape, and a helper to declare errors on an operation."""

from __future__ import annotations

from typing import Any

from ninja import Schema


class ErrorItem(Schema):
    loc: list[Any] = []
    msg: str
    type: str


class ErrorOut(Schema):
    detail: str | list[ErrorItem]
    code: str


def errors(*codes: int) -> dict[int, type[ErrorOut]]:
    """`response={200: XOut, **errors(401, 404)}` declares what an operation can answer."""
    return {code: ErrorOut for code in codes}

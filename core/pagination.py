"""Lists: `?limit=&offset=` -> {"items": [...], "count": N}; limit at most 100
(NINJA_PAGINATION_MAX_LIMIT). Two queries per page whatever its size, the slice and the count; one
when the page is the list's last (shorter than its limit), which tells the count itself.

`paginate` is django-ninja's, with our LimitOffsetPagination as the default: its offset is bounded
so that OFFSET + LIMIT always fits the database's bigint (a larger one is a 422, not a 500). A view
that answers a download instead (`?format=csv`) returns its HttpResponse, which is passed through
unpaged.

Feeds (`@paginate(CursorPagination)`: notifications, the audit log, the coin ledger) also take
`?cursor=`, the `next_cursor` of the previous page: a keyset on (created_at, id), newest first, so a
row inserted while a client pages never shifts the next page (an offset would repeat a row)."""

from __future__ import annotations

import base64
import binascii
import inspect
import json
from datetime import datetime
from functools import wraps
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import HttpResponseBase
from ninja import Field, Schema
from ninja import pagination as ninja_pagination
from pydantic import field_validator, model_validator

from core.schemas import BIGINT_MAX

MAX_LIMIT = settings.NINJA_PAGINATION_MAX_LIMIT
MAX_OFFSET = BIGINT_MAX - MAX_LIMIT


class _Download(Exception):
    """Carries a view's own HttpResponse (a CSV or XLSX export) past ninja's paginating wrapper."""

    def __init__(self, response: HttpResponseBase):
        self.response = response


class PageInput(Schema):
    limit: int = Field(settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


def known_count(rows: int, offset: int, limit: int) -> int | None:
    """The list's length when a page tells it: one shorter than its limit is the last, so the list
    ends at offset + rows (an empty page past the end tells nothing). A group's lessons, a student's
    invoices: most pages are short, and their COUNT(*) cost as much Python as the page's own query."""
    if rows < limit and (rows or not offset):
        return offset + rows
    return None


class LimitOffsetPagination(ninja_pagination.LimitOffsetPagination):
    Input = PageInput  # a name of its own: every component name means one schema

    def paginate_queryset(self, queryset, pagination, request, **params):
        if isinstance(queryset, HttpResponseBase):
            raise _Download(queryset)
        offset, limit = pagination.offset, min(pagination.limit, self.max_limit)
        items = list(queryset[offset : offset + limit])
        count = known_count(len(items), offset, limit)
        return {"items": items, "count": self._items_count(queryset) if count is None else count}


def encode_cursor(created_at: datetime, row_id: int) -> str:
    raw = json.dumps([created_at.isoformat(), row_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """The (created_at, id) a cursor names; ValueError for anything this API did not hand out."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        stamp, row_id = json.loads(raw)
        created_at = datetime.fromisoformat(stamp)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError) as exc:
        raise ValueError("Invalid cursor: pass the next_cursor of a previous page.") from exc
    if created_at.tzinfo is None or not isinstance(row_id, int) or not 0 < row_id <= BIGINT_MAX:
        raise ValueError("Invalid cursor: pass the next_cursor of a previous page.")
    return created_at, row_id


class CursorPagination(LimitOffsetPagination):
    """Newest first by (created_at, id). `count` is the whole filtered list, as with offsets;
    `next_cursor` is null on the last page. Offsets keep working (the contract's lists), but a
    request gives one or the other."""

    class CursorPageInput(PageInput):
        cursor: str | None = Field(None, max_length=200, description="next_cursor of the previous page")

        @field_validator("cursor")
        @classmethod
        def _readable(cls, value: str | None) -> str | None:
            if value is not None:
                decode_cursor(value)
            return value

        @model_validator(mode="after")
        def _cursor_or_offset(self):
            if self.cursor is not None and self.offset:
                raise ValueError("Give either cursor or offset, not both.")
            return self

    Input = CursorPageInput

    class Output(Schema):
        items: list[Any]
        count: int
        next_cursor: str | None = Field(description="pass as ?cursor= for the next page; null on the last")

    def paginate_queryset(self, queryset: QuerySet, pagination, request, **params):
        queryset = queryset.order_by("-created_at", "-id")
        limit = min(pagination.limit, self.max_limit)
        if pagination.cursor is None:
            window = queryset[pagination.offset : pagination.offset + limit + 1]
        else:
            created_at, row_id = decode_cursor(pagination.cursor)
            older = Q(created_at__lt=created_at) | Q(created_at=created_at, id__lt=row_id)
            window = queryset.filter(older)[: limit + 1]
        rows = list(window)  # one row more than the page tells whether another page follows
        page = rows[:limit]
        last = page[-1] if len(rows) > limit else None
        next_cursor = encode_cursor(last.created_at, last.id) if last is not None else None
        # after a cursor the rows before it are unknown; an offset page that ends the list tells all
        count = known_count(len(page), pagination.offset, limit) if pagination.cursor is None else None
        return {
            "items": page,
            "count": queryset.count() if count is None else count,
            "next_cursor": next_cursor,
        }


def _passes_downloads(view):
    @wraps(view)
    def paged_or_download(request, **kwargs):
        try:
            return view(request, **kwargs)
        except _Download as download:
            return download.response

    return paged_or_download


def paginate(func_or_pgn_class=ninja_pagination.NOT_SET, **paginator_params):
    """`@paginate` or `@paginate(OtherPagination, **params)`, as django-ninja's."""
    if inspect.isfunction(func_or_pgn_class):
        return _passes_downloads(ninja_pagination.paginate(LimitOffsetPagination)(func_or_pgn_class))
    if func_or_pgn_class is ninja_pagination.NOT_SET:
        func_or_pgn_class = LimitOffsetPagination
    decorate = ninja_pagination.paginate(func_or_pgn_class, **paginator_params)
    return lambda func: _passes_downloads(decorate(func))


__all__ = ["CursorPagination", "LimitOffsetPagination", "decode_cursor", "encode_cursor", "paginate"]

"""Limit/offset pagination: `?limit=&offset=` -> {"items": [...], "count": N}; limit at most 100
(NINJA_PAGINATION_MAX_LIMIT). Two queries per page whatever its size: the slice and the count.

`paginate` is django-ninja's, with our LimitOffsetPagination as the default: its offset is bounded
so that OFFSET + LIMIT always fits the database's bigint (a larger one is a 422, not a 500)."""

from __future__ import annotations

import inspect

from django.conf import settings
from ninja import Field, Schema
from ninja import pagination as ninja_pagination

from core.schemas import BIGINT_MAX

MAX_LIMIT = settings.NINJA_PAGINATION_MAX_LIMIT
MAX_OFFSET = BIGINT_MAX - MAX_LIMIT


class LimitOffsetPagination(ninja_pagination.LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)


def paginate(func_or_pgn_class=ninja_pagination.NOT_SET, **paginator_params):
    """`@paginate` or `@paginate(OtherPagination, **params)`, as django-ninja's."""
    if inspect.isfunction(func_or_pgn_class):
        return ninja_pagination.paginate(LimitOffsetPagination)(func_or_pgn_class)
    if func_or_pgn_class is ninja_pagination.NOT_SET:
        func_or_pgn_class = LimitOffsetPagination
    return ninja_pagination.paginate(func_or_pgn_class, **paginator_params)


__all__ = ["LimitOffsetPagination", "paginate"]

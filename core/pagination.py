"""Limit/offset pagination: `?limit=&offset=` -> {"items": [...], "count": N}; limit at most 100
(NINJA_PAGINATION_MAX_LIMIT). Two queries per page whatever its size: the slice and the count."""

from __future__ import annotations

from ninja.pagination import LimitOffsetPagination, paginate

__all__ = ["LimitOffsetPagination", "paginate"]

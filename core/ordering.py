"""`?ordering=` on lists a UI sorts: an allow-list per endpoint, `-field` for descending, anything
else a 422 (the parameter is a Literal, so the OpenAPI document lists the choices). Every ordering
ends with the row id in the same direction, so two rows with the same value keep one order from page
to page (limit/offset would otherwise repeat or skip rows at a page boundary)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from django.db.models import F, QuerySet


def ordering_choices(*fields: str) -> Any:
    """`Literal["starts_at", "-starts_at", ...]`: the type of an endpoint's `ordering` parameter."""
    values = tuple(value for field in fields for value in (field, f"-{field}"))
    return Literal[values]  # type: ignore[valid-type]


def order_by(queryset: QuerySet, ordering: str, columns: Mapping[str, str] | None = None) -> QuerySet:
    """Orders by one allowed `ordering` value, then by id the same way. `columns` maps a public name
    to its ORM path when they differ (`"student" -> "student__last_name"`). NULLs sort last either
    way, so rows without a value (a submission not yet scored) never lead a descending list."""
    descending = ordering.startswith("-")
    name = ordering.removeprefix("-")
    column = F((columns or {}).get(name, name))
    first = column.desc(nulls_last=True) if descending else column.asc(nulls_last=True)
    return queryset.order_by(first, "-id" if descending else "id")


__all__ = ["order_by", "ordering_choices"]

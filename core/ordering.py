"""`?ordering=` on lists a UI sorts: an allow-list per endpoint, `-field` for descending, anything
else a 422 (the parameter is a Literal, so the OpenAPI document lists the choices). Every ordering
ends with the row id in the same direction, so two rows with the same value keep one order from page
to page (limit/offset would otherwise repeat or skip rows at a page boundary)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from django.db.models import F, Model, QuerySet


def ordering_choices(*fields: str) -> Any:
    """`Literal["starts_at", "-starts_at", ...]`: the type of an endpoint's `ordering` parameter."""
    values = tuple(value for field in fields for value in (field, f"-{field}"))
    return Literal[values]  # type: ignore[valid-type]


def order_by(queryset: QuerySet, ordering: str, columns: Mapping[str, str] | None = None) -> QuerySet:
    """Orders by one allowed `ordering` value, then by id the same way. `columns` maps a public name
    to its ORM path when they differ (`"student" -> "student__last_name"`). A nullable column sorts
    its NULLs last either way, so rows without a value (an unscored submission) never lead a
    descending list; a NOT NULL column keeps the plain order, which its (column, id) index serves in
    both directions (NULLS LAST on a descending scan would force a sort of the whole table)."""
    descending = ordering.startswith("-")
    name = ordering.removeprefix("-")
    path = (columns or {}).get(name, name)
    sign = "-" if descending else ""
    if not _nullable(queryset.model, path):
        return queryset.order_by(f"{sign}{path}", f"{sign}id")
    first = F(path).desc(nulls_last=True) if descending else F(path).asc(nulls_last=True)
    return queryset.order_by(first, f"{sign}id")


def _nullable(model: type[Model], path: str) -> bool:
    *relations, column = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return model._meta.get_field(column).null


__all__ = ["order_by", "ordering_choices"]

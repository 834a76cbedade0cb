"""Reading the one row a unique key names."""

from __future__ import annotations

from django.db.models import Model, QuerySet


def unique_or_none(queryset: QuerySet) -> Model | None:
    """The row a filter on a unique key selects, or None. Not `.first()`: that orders by the model's
    Meta.ordering to choose among rows a unique key cannot return, a sort in the SQL and 0.3 ms of
    query compiling per call (an invoice lock measured 2.44-2.55 ms with it, 2.13-2.21 ms without)."""
    return next(iter(queryset.order_by()[:1]), None)

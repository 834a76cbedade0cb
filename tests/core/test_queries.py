"""unique_or_none(): the row a unique key names or None, read without an ORDER BY."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.queries import unique_or_none
from modules.payments.models import Payment
from tests.factories.accounts import StudentFactory

pytestmark = pytest.mark.django_db


def test_the_row_or_none_and_no_sort_for_the_models_default_order():
    from datetime import date

    invoice = Payment.objects.create(student=StudentFactory(), amount=100_000, due_date=date(2026, 1, 5))
    assert Payment._meta.ordering  # the order .first() would have sorted by
    with CaptureQueriesContext(connection) as ctx:
        assert unique_or_none(Payment.objects.filter(pk=invoice.pk)) == invoice
        assert unique_or_none(Payment.objects.filter(pk=invoice.pk + 1)) is None
    assert len(ctx.captured_queries) == 2
    assert all("ORDER BY" not in q["sql"] and "LIMIT 1" in q["sql"] for q in ctx.captured_queries)

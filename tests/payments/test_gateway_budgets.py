"""Statement budgets of the calls that pay an invoice through Click and Uzum, with every receiver
connected and the outbox rows written as in production: the invoice locked through the transaction
in one statement, the protocol record's change (not audited: its states are its history), the money
service's writes, one audit INSERT and one INSERT of the task rows (core.write_batch)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories.accounts import StudentFactory
from tests.factories.courses import GroupFactory
from tests.factories.payments import PaymentFactory
from tests.payments.gateway_clients import ClickClient, UzumClient, click_trans_id, som, uzum_trans_id

pytestmark = pytest.mark.django_db

AMOUNT = 45_000_000
BUDGET = 10  # SAVEPOINT (the test's transaction stands in for BEGIN) ... RELEASE


@pytest.fixture(autouse=True)
def outbox(settings):
    from modules.center.selectors import get_system_settings

    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": False}
    get_system_settings()  # cached, as in a running server


def invoice():
    return PaymentFactory(student=StudentFactory(), amount=AMOUNT, group=GroupFactory())


def writes(ctx, table: str) -> int:
    return sum(q["sql"].startswith(f'INSERT INTO "{table}"') for q in ctx.captured_queries)


def test_click_complete_stays_within_budget(click_settings):
    click, inv, trans = ClickClient(), invoice(), click_trans_id()
    prepared = click.prepare(trans_id=trans, invoice=inv.pk, amount=som(AMOUNT))
    with CaptureQueriesContext(connection) as ctx:
        done = click.complete(
            trans_id=trans, invoice=inv.pk, amount=som(AMOUNT), prepare_id=prepared["merchant_prepare_id"]
        )
    assert done["error"] == 0, done
    assert len(ctx.captured_queries) <= BUDGET, [q["sql"][:90] for q in ctx.captured_queries]
    assert writes(ctx, "audit_auditlog") == 1 and writes(ctx, "django_q_ormq") == 1


def test_uzum_confirm_stays_within_budget(uzum_settings):
    uzum, inv, trans = UzumClient(), invoice(), uzum_trans_id()
    assert uzum.create(trans, inv.pk, AMOUNT)[0] == 200
    with CaptureQueriesContext(connection) as ctx:
        status, body = uzum.confirm(trans)
    assert status == 200 and body["status"] == "CONFIRMED", body
    assert len(ctx.captured_queries) <= BUDGET, [q["sql"][:90] for q in ctx.captured_queries]
    assert writes(ctx, "audit_auditlog") == 1 and writes(ctx, "django_q_ormq") == 1

"""Statement budgets of the busiest writes, with every module's receivers connected, SAVEPOINTs
counted and the ORM broker's outbox rows written as in production (Q_CLUSTER sync off): a write does
its own work, its audit entry and one queued task per interested module, whatever reacts to it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories.accounts import StudentFactory
from tests.factories.courses import GroupFactory, MembershipFactory
from tests.factories.gamification import give_coins

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def outbox(settings):
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": False}
    settings.THROTTLE_RATES = {scope: "100000/min" for scope in settings.THROTTLE_RATES}


def test_awarding_coins_through_the_api(api, admin):
    from modules.center.selectors import get_system_settings

    get_system_settings()
    group = GroupFactory()
    students = StudentFactory.create_batch(3)
    for s in students:
        MembershipFactory(group=group, student=s)
        give_coins(s, 1)  # an existing balance row, as for any student who ever earned a coin
    client = api(admin)
    counts = []
    for s in students:
        with CaptureQueriesContext(connection) as ctx:
            response = client.post(
                f"/students/{s.pk}/coins/award", {"amount": 5, "note": "well done", "group_id": group.pk}
            )
        assert response.status_code == 201, response.content
        counts.append(len(ctx.captured_queries))
    # 10: one of them reads the admin's branches (a branch admin sees only their students), once a request
    assert max(counts) <= 10, [q["sql"][:90] for q in ctx.captured_queries]


def test_reviewing_homework_queues_its_reactions(api, teacher, student):
    from django_q.models import OrmQ

    from tests.factories.homework import HomeworkFactory, SubmissionFactory

    group = GroupFactory(teacher=teacher)
    MembershipFactory(group=group, student=student)
    submission = SubmissionFactory(homework=HomeworkFactory(group=group, max_score=10), student=student)
    with CaptureQueriesContext(connection) as ctx:
        response = api(teacher).post(f"/submissions/{submission.pk}/review", {"score": 9, "feedback": "Good"})
    assert response.status_code == 200, response.content
    assert len(ctx.captured_queries) <= 15, [q["sql"][:90] for q in ctx.captured_queries]
    funcs = sorted(q.func() for q in OrmQ.objects.all())
    assert funcs == ["modules.gamification.tasks.apply_homework", "modules.notifications.tasks.react"]


@pytest.mark.parametrize("with_group", [True, False], ids=["monthly invoice", "desk invoice without group"])
def test_payme_perform_stays_within_ten_statements(settings, with_group):
    """Perform's transaction: its locks and writes, one audit INSERT and one INSERT of both modules'
    task rows (core.write_batch). The student's branches of an invoice without a group are read
    after the commit (outside the lock; the test's wrapping transaction never commits, so not here)."""
    from django_q.models import OrmQ

    from modules.audit.models import AuditLog
    from modules.center.selectors import get_system_settings
    from modules.payments.payme.protocol import now_ms
    from tests.factories.payments import PaymentFactory
    from tests.payments.conftest import PAYME_KEY, PaymeClient, payme_id

    settings.PAYME_KEY = PAYME_KEY
    get_system_settings()
    group = GroupFactory()
    invoice = PaymentFactory(student=StudentFactory(), amount=500_000, group=group if with_group else None)
    tx_id, client = payme_id(), PaymeClient()
    account = {"payment_id": str(invoice.pk)}
    client.call("CreateTransaction", {"id": tx_id, "time": now_ms(), "amount": 500_000, "account": account})
    with CaptureQueriesContext(connection) as ctx:
        assert client.call("PerformTransaction", {"id": tx_id})["result"]["state"] == 2
    sql = [q["sql"] for q in ctx.captured_queries]
    assert len(sql) <= 10, [s[:90] for s in sql]
    assert sum(s.startswith('INSERT INTO "audit_auditlog"') for s in sql) == 1
    assert sum(s.startswith('INSERT INTO "django_q_ormq"') for s in sql) == 1
    assert not any("courses_membership" in s for s in sql)  # no branch lookup under the invoice lock
    assert {q.func() for q in OrmQ.objects.all()} >= {
        "modules.gamification.tasks.apply_payment",
        "modules.notifications.tasks.react",
    }
    actions = set(AuditLog.objects.filter(object_id=str(invoice.pk)).values_list("action", flat=True))
    assert {"update", "payment.paid"} <= actions

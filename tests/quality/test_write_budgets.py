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

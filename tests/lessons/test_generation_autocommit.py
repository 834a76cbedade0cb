"""Generation as production runs it: PostgreSQL in autocommit, no wrapping test transaction. A
temporary table created `ON COMMIT DROP` outside a transaction vanished before the next statement
here, so every entry point that had something to create failed."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.db import connection

from modules.lessons.services.generation import lessons_generate
from modules.lessons.tasks import generate_active_groups, generate_group_lessons
from tests.factories.courses import GroupFactory, LessonScheduleFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="autocommit semantics of PostgreSQL"),
]

START, END = date(2026, 9, 1), date(2026, 9, 30)


@pytest.fixture(autouse=True)
def tashkent(settings):
    settings.TIME_ZONE = "Asia/Tashkent"


@pytest.fixture
def term(teacher):
    group = GroupFactory(teacher=teacher, start_date=START, end_date=END, status="active")
    for weekday in (0, 2, 4):
        LessonScheduleFactory(group=group, weekday=weekday, start_time=time(15, 0), duration_minutes=90)
    return group


def test_service_creates_in_autocommit_and_a_rerun_creates_nothing(term):
    assert connection.get_autocommit() and not connection.in_atomic_block
    assert lessons_generate(groups=[term], date_from=START, date_to=END).created == 13
    assert lessons_generate(groups=[term], date_from=START, date_to=END).created == 0
    assert term.lessons.count() == 13


def test_endpoint_generates_in_autocommit(api, admin, term):
    res = api(admin).post(
        f"/groups/{term.pk}/lessons/generate", {"date_from": START.isoformat(), "date_to": END.isoformat()}
    )
    assert res.status_code == 200, res.content
    assert res.json()["created"] == 13
    assert term.lessons.count() == 13


def test_task_and_nightly_job_generate_in_autocommit(term, time_machine):
    time_machine.move_to("2026-09-01T03:00:00Z", tick=False)
    assert generate_group_lessons(term.pk, START.isoformat(), END.isoformat()) == 13
    other = GroupFactory(start_date=START, end_date=END, status="active")
    LessonScheduleFactory(group=other, weekday=1, start_time=time(9, 0))
    assert generate_active_groups() == 5  # the other group's Tuesdays: 1, 8, 15, 22, 29
    assert other.lessons.count() == 5

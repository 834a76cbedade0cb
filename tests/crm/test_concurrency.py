"""Races that only a real database shows (PostgreSQL, committed transactions, two connections):
two enquiries with one phone make one lead; two bookings of the last place make one trial."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection

from core.exceptions import Conflict
from modules.attendance.models import TrialVisit
from modules.crm.models import Lead
from modules.crm.services.leads import LeadInput, lead_capture
from modules.crm.services.trials import lead_book_trial
from tests.factories.accounts import AdminFactory
from tests.factories.courses import GroupFactory, RoomFactory, local_dt, local_today
from tests.factories.crm import LeadFactory
from tests.factories.lessons import LessonFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent transactions need PostgreSQL")


def _together(*calls) -> list:
    """Runs the calls at once, each on its own thread (and connection); returns results or errors."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, fn):
        from django.db import connection as conn

        try:
            barrier.wait(timeout=10)
            results[i] = fn()
        except Exception as exc:  # noqa: BLE001 - the test inspects what each call ended with
            results[i] = exc
        finally:
            conn.close()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def test_two_enquiries_with_one_phone_make_one_lead():
    def enquiry(name):
        return lambda: lead_capture(
            data=LeadInput(first_name=name, phone="+998905550101", source="website"), actor=None
        )

    results = _together(enquiry("A"), enquiry("B"))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(created for _, created in results) == [False, True]
    assert Lead.objects.filter(phone="+998905550101").count() == 1


def test_two_bookings_of_the_last_place_make_one_trial():
    admin = AdminFactory()
    room = RoomFactory(capacity=1)
    lesson = LessonFactory(
        group=GroupFactory(room=room, branch=room.branch),
        starts_at=local_dt(local_today() + timedelta(days=2)),
    )
    first, second = LeadFactory(), LeadFactory()
    results = _together(
        lambda: lead_book_trial(lead=first, lesson=lesson, actor=admin),
        lambda: lead_book_trial(lead=second, lesson=lesson, actor=admin),
    )
    assert sum(isinstance(r, TrialVisit) for r in results) == 1
    assert [r.code for r in results if isinstance(r, Conflict)] == ["lesson_full"]
    assert TrialVisit.objects.filter(lesson=lesson).count() == 1

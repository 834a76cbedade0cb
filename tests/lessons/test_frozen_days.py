"""A frozen student's lessons on frozen days leave their (and their parent's) lesson list and
calendar feed; staff still see every lesson. Freeze days are local dates in the center's zone."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from modules.courses.models import FreezePeriod, Membership
from tests.factories.accounts import StudentFactory, link_parent
from tests.factories.courses import MembershipFactory, local_dt
from tests.factories.lessons import LessonFactory

pytestmark = pytest.mark.django_db

MON, TUE, WED = date(2026, 11, 2), date(2026, 11, 3), date(2026, 11, 4)


@pytest.fixture(autouse=True)
def tashkent(settings, time_machine):
    settings.TIME_ZONE = "Asia/Tashkent"
    time_machine.move_to("2026-10-30T07:00:00Z", tick=False)


@pytest.fixture
def week(group):
    """Lessons on Monday, Tuesday and Wednesday; Tuesday's starts at 00:30 local (19:30 UTC the day
    before), so a freeze of that local Tuesday must be read in the center's zone."""
    return {
        MON: LessonFactory(group=group, starts_at=local_dt(MON, time(15, 0))),
        TUE: LessonFactory(group=group, starts_at=local_dt(TUE, time(0, 30))),
        WED: LessonFactory(group=group, starts_at=local_dt(WED, time(15, 0))),
    }


@pytest.fixture
def frozen_tuesday(group, student):
    membership = Membership.objects.get(group=group, student=student)
    return FreezePeriod.objects.create(membership=membership, start_date=TUE, end_date=TUE)


def listed(client) -> list[int]:
    res = client.get("/lessons", {"date_from": MON.isoformat(), "date_to": WED.isoformat()})
    assert res.status_code == 200, res.content
    return [item["id"] for item in res.json()["items"]]


def feed_ids(client, api) -> set[str]:
    url = client.post("/calendar/feed").json()["url"]
    res = api().get(url[url.index("/api/v1/") :])
    assert res.status_code == 200
    return {str(e["uid"]) for e in Calendar.from_ical(res.content).walk("VEVENT")}


@pytest.mark.parametrize("who", ["student", "parent"])
def test_frozen_day_leaves_the_lesson_list(api, request, week, frozen_tuesday, who):
    assert listed(api(request.getfixturevalue(who))) == [week[MON].pk, week[WED].pk]


@pytest.mark.parametrize("who", ["admin", "teacher"])
def test_staff_still_see_frozen_lessons(api, request, week, frozen_tuesday, who):
    assert listed(api(request.getfixturevalue(who))) == [week[d].pk for d in (MON, TUE, WED)]


def test_without_a_freeze_the_student_sees_the_whole_week(api, student, week):
    assert listed(api(student)) == [week[d].pk for d in (MON, TUE, WED)]


@pytest.mark.parametrize("who", ["student", "parent"])
def test_frozen_day_leaves_the_calendar_feed(api, request, week, frozen_tuesday, who):
    ids = feed_ids(api(request.getfixturevalue(who)), api)
    assert ids == {f"lesson-{week[MON].pk}@markaz", f"lesson-{week[WED].pk}@markaz"}


def test_teacher_feed_keeps_frozen_lessons(api, teacher, week, frozen_tuesday):
    assert len(feed_ids(api(teacher), api)) == 3


def test_a_parent_still_sees_the_lesson_of_a_sibling_who_is_not_frozen(
    api, parent, group, week, frozen_tuesday
):
    sibling = StudentFactory()
    link_parent(parent, sibling)
    MembershipFactory(group=group, student=sibling)
    assert listed(api(parent)) == [week[d].pk for d in (MON, TUE, WED)]


def test_the_list_stays_one_query_per_page(api, student, week, frozen_tuesday):
    client = api(student)
    with CaptureQueriesContext(connection) as ctx:
        listed(client)
    assert len([q for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]) <= 5

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from modules.lessons.models import CalendarFeed
from tests.factories.courses import local_dt
from tests.factories.lessons import LessonFactory


def _path(url: str) -> str:
    return url[url.index("/api/v1/") :]


def _parse(res) -> Calendar:
    assert res.status_code == 200
    assert res["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(res.content)


@pytest.fixture
def lessons(group, other_group):
    day = timezone.localdate() + timedelta(days=2)
    mine = LessonFactory(group=group, starts_at=local_dt(day), topic="Phrasal verbs")
    cancelled = LessonFactory(group=group, starts_at=local_dt(day + timedelta(days=1)), status="cancelled")
    LessonFactory(group=other_group, starts_at=local_dt(day))
    return mine, cancelled


@pytest.mark.parametrize("who", ["student", "parent", "teacher"])
def test_feed_lists_own_lessons_and_parses_back(api, request, lessons, who):
    mine, cancelled = lessons
    res = api(request.getfixturevalue(who)).post("/calendar/feed")
    assert res.status_code == 201
    url = res.json()["url"]
    assert url.startswith("http") and url.endswith(".ics")
    cal = _parse(api().get(_path(url)))  # no login: the token is the credential
    events = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {f"lesson-{mine.pk}@markaz", f"lesson-{cancelled.pk}@markaz"}
    event = events[f"lesson-{mine.pk}@markaz"]
    assert event.decoded("dtstart") == mine.starts_at
    assert event.decoded("dtend") == mine.ends_at
    assert "Phrasal verbs" in str(event["summary"])
    assert str(events[f"lesson-{cancelled.pk}@markaz"]["status"]) == "CANCELLED"


def test_feed_state_rotation_and_revoke(api, student, lessons):
    client = api(student)
    assert client.get("/calendar/feed").json() == {
        "active": False,
        "created_at": None,
        "last_used_at": None,
        "url": None,
    }
    first = client.post("/calendar/feed").json()["url"]
    second = client.post("/calendar/feed").json()["url"]
    assert api().get(_path(first)).status_code == 404  # a new URL kills the old one
    assert api().get(_path(second)).status_code == 200
    state = client.get("/calendar/feed").json()
    assert state["active"] is True and state["url"] is None and state["last_used_at"] is not None
    assert client.delete("/calendar/feed").status_code == 204
    assert api().get(_path(second)).status_code == 404
    assert client.delete("/calendar/feed").status_code == 409
    assert CalendarFeed.objects.filter(user=student, revoked_at__isnull=True).count() == 0


def test_feed_rules(api, admin, student, lessons):
    assert api(admin).post("/calendar/feed").status_code == 403
    assert api().post("/calendar/feed").status_code == 401
    assert api().get("/api/v1/calendar/feeds/not-a-real-token.ics").status_code == 404
    url = api(student).post("/calendar/feed").json()["url"]
    student.is_active = False
    student.save()
    assert api().get(_path(url)).status_code == 404  # a deactivated user's feed goes dark


def test_only_the_hash_is_stored(api, student):
    url = api(student).post("/calendar/feed").json()["url"]
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    feed = CalendarFeed.objects.get(user=student)
    assert token not in feed.token_hash and len(feed.token_hash) == 64

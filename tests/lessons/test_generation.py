from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.utils import timezone

from modules.lessons.models import Lesson
from modules.lessons.services.generation import lessons_generate
from modules.lessons.tasks import generate_active_groups, generate_group_lessons
from tests.factories.courses import GroupFactory, HolidayFactory, LessonScheduleFactory, local_dt
from tests.factories.lessons import LessonFactory

# September 2026: Monday the 7th; Tashkent is UTC+5 all year (no DST)
START, END = date(2026, 9, 1), date(2026, 9, 30)


@pytest.fixture(autouse=True)
def tashkent(settings):
    settings.TIME_ZONE = "Asia/Tashkent"


@pytest.fixture
def term(teacher):
    group = GroupFactory(teacher=teacher, start_date=START, end_date=END)
    for weekday in (0, 2, 4):  # Mon, Wed, Fri 15:00 local
        LessonScheduleFactory(group=group, weekday=weekday, start_time=time(15, 0), duration_minutes=90)
    return group


def test_generates_in_the_center_zone_stored_utc(term):
    result = lessons_generate(groups=[term], date_from=START, date_to=END)
    lessons = list(term.lessons.order_by("starts_at"))
    assert result.created == len(lessons) == 13  # 30 days of September: 4 Mon + 5 Wed + 4 Fri
    first = lessons[0]
    assert first.starts_at == datetime(2026, 9, 2, 10, 0, tzinfo=UTC)  # Wed 15:00 in Tashkent
    assert first.ends_at - first.starts_at == timedelta(minutes=90)
    assert {timezone.localtime(lesson.starts_at).time() for lesson in lessons} == {time(15, 0)}
    assert {timezone.localtime(lesson.starts_at).weekday() for lesson in lessons} == {0, 2, 4}
    assert all(lesson.teacher_id == term.teacher_id and lesson.room_id == term.room_id for lesson in lessons)
    assert all(lesson.original_starts_at == lesson.starts_at for lesson in lessons)


def test_holiday_range_is_skipped_with_its_name(term):
    HolidayFactory(name="Autumn break", start_date=date(2026, 9, 14), end_date=date(2026, 9, 18))
    result = lessons_generate(groups=[term], date_from=START, date_to=END)
    assert result.created == 10
    holiday_skips = [s for s in result.skipped if s.reason == "holiday"]
    assert [s.date for s in holiday_skips] == [date(2026, 9, 14), date(2026, 9, 16), date(2026, 9, 18)]
    assert {s.detail for s in holiday_skips} == {"Autumn break"}
    days = {timezone.localtime(x).date() for x in term.lessons.values_list("starts_at", flat=True)}
    assert not days & {date(2026, 9, 14), date(2026, 9, 16), date(2026, 9, 18)}


def test_group_and_schedule_dates_bound_generation(teacher):
    group = GroupFactory(teacher=teacher, start_date=date(2026, 9, 9), end_date=date(2026, 9, 20))
    LessonScheduleFactory(group=group, weekday=0, valid_from=date(2026, 9, 9), valid_to=date(2026, 9, 20))
    LessonScheduleFactory(
        group=group,
        weekday=2,
        start_time=time(18, 0),
        valid_from=date(2026, 9, 10),
        valid_to=date(2026, 9, 20),
    )
    lessons_generate(groups=[group], date_from=START, date_to=END)
    days = sorted(timezone.localtime(x).date() for x in group.lessons.values_list("starts_at", flat=True))
    assert days == [date(2026, 9, 14), date(2026, 9, 16)]  # Wed the 9th is before that slot's valid_from


def test_rerun_creates_nothing_and_never_touches_changed_lessons(term):
    lessons_generate(groups=[term], date_from=START, date_to=END)
    lessons = list(term.lessons.order_by("starts_at"))
    moved, cancelled, done = lessons[0], lessons[1], lessons[2]
    moved.starts_at = moved.starts_at + timedelta(hours=2)
    moved.ends_at = moved.ends_at + timedelta(hours=2)
    moved.save()
    Lesson.objects.filter(pk=cancelled.pk).update(status="cancelled", cancel_reason="flood")
    Lesson.objects.filter(pk=done.pk).update(status="completed", topic="Past simple")
    before = {row["id"]: row for row in term.lessons.values()}
    result = lessons_generate(groups=[term], date_from=START, date_to=END)
    assert result.created == 0
    assert term.lessons.count() == 13
    reasons = {s.reason for s in result.skipped}
    assert reasons == {"exists", "rescheduled", "cancelled", "completed"}
    after = {row["id"]: row for row in term.lessons.values()}
    assert after == before


def test_busy_teacher_slot_is_skipped(term, teacher):
    elsewhere = GroupFactory(teacher=teacher)
    busy = LessonFactory(group=elsewhere, starts_at=local_dt(date(2026, 9, 7), time(16, 0)))
    result = lessons_generate(groups=[term], date_from=START, date_to=END)
    assert result.created == 12
    [skip] = [s for s in result.skipped if s.reason == "teacher_busy"]
    assert skip.date == date(2026, 9, 7) and str(busy.pk) in skip.detail


def test_two_groups_in_one_room_same_slot_only_one_gets_it(teacher):
    first = GroupFactory(start_date=START, end_date=END)
    second = GroupFactory(start_date=START, end_date=END, room=first.room, branch=first.branch)
    for g in (first, second):
        LessonScheduleFactory(group=g, weekday=0, start_time=time(9, 0))
    result = lessons_generate(groups=[first, second], date_from=START, date_to=END)
    assert first.lessons.count() == 4 and second.lessons.count() == 0
    assert {s.reason for s in result.skipped} == {"room_busy"}


@pytest.mark.parametrize(
    "who,status", [("admin", 200), ("teacher", 403), ("student", 403), ("parent", 403), ("outsider", 404)]
)
def test_generate_endpoint_permissions(api, request, term, student, who, status):
    from tests.factories.courses import MembershipFactory

    MembershipFactory(group=term, student=student)
    res = api(request.getfixturevalue(who)).post(
        f"/groups/{term.pk}/lessons/generate", {"date_from": "2026-09-01", "date_to": "2026-09-30"}
    )
    assert res.status_code == status
    assert term.lessons.count() == (13 if status == 200 else 0)


def test_generate_endpoint_reports_and_is_idempotent(api, admin, term):
    HolidayFactory(name="Independence Day", start_date=date(2026, 9, 1))
    HolidayFactory(name="Bridge", start_date=date(2026, 9, 2))
    body = {"date_from": "2026-09-01", "date_to": "2026-09-13"}
    first = api(admin).post(f"/groups/{term.pk}/lessons/generate", body).json()
    assert first["created"] == 4  # Fri 4th, Mon 7th, Wed 9th, Fri 11th (Tue 1st has no slot)
    [skip] = first["skipped"]
    assert (skip["date"], skip["reason"], skip["detail"]) == ("2026-09-02", "holiday", "Bridge")
    assert datetime.fromisoformat(skip["starts_at"]) == datetime(2026, 9, 2, 10, 0, tzinfo=UTC)
    again = api(admin).post(f"/groups/{term.pk}/lessons/generate", body).json()
    assert again["created"] == 0
    assert {s["reason"] for s in again["skipped"]} == {"exists", "holiday"}


@pytest.mark.parametrize(
    "body,status",
    [
        ({"date_from": "2026-09-10", "date_to": "2026-09-01"}, 422),
        ({"date_from": "2027-01-01", "date_to": "2027-02-01"}, 422),  # after the group ends
        ({"date_from": "2026-01-01", "date_to": "2028-01-01"}, 422),  # too long
        ({"date_from": "nope", "date_to": "2026-09-01"}, 422),
    ],
)
def test_generate_bad_ranges(api, admin, term, body, status):
    res = api(admin).post(f"/groups/{term.pk}/lessons/generate", body)
    assert res.status_code == status
    assert term.lessons.count() == 0


def test_finished_group_is_409(api, admin, term):
    term.status = "finished"
    term.save()
    res = api(admin).post(
        f"/groups/{term.pk}/lessons/generate", {"date_from": "2026-09-01", "date_to": "2026-09-30"}
    )
    assert res.status_code == 409 and res.json()["code"] == "group_finished"


def test_tasks_generate_up_to_the_horizon(teacher):
    from modules.center.selectors import get_system_settings

    today = timezone.localdate()
    group = GroupFactory(
        teacher=teacher, start_date=today - timedelta(days=60), end_date=today + timedelta(days=365)
    )
    LessonScheduleFactory(group=group, weekday=today.weekday(), start_time=time(23, 0))
    forming = GroupFactory(status="forming", start_date=today, end_date=today + timedelta(days=365))
    LessonScheduleFactory(group=forming, weekday=today.weekday())
    weeks = get_system_settings().generation_horizon_weeks
    assert generate_active_groups() == weeks + 1  # today and the same weekday in each of N weeks
    assert forming.lessons.count() == 0  # nightly keeps active groups only
    assert generate_active_groups() == 0
    assert generate_group_lessons(forming.pk) == weeks + 1
    assert generate_group_lessons(group.pk, (today - timedelta(days=14)).isoformat(), today.isoformat()) == 2

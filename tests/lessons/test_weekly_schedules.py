from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from modules.courses.models import LessonSchedule
from tests.factories.courses import GroupFactory, LessonScheduleFactory, RoomFactory, local_dt
from tests.factories.lessons import LessonFactory

MONDAY = date(2026, 9, 7)


@pytest.fixture
def term_group(teacher):
    return GroupFactory(teacher=teacher, start_date=date(2026, 9, 1), end_date=date(2026, 12, 31))


def slot(**extra):
    return {"weekday": 0, "start_time": "10:00", "duration_minutes": 90, **extra}


def test_admin_creates_a_schedule_with_defaults(api, admin, term_group):
    res = api(admin).post(f"/groups/{term_group.pk}/schedules", {"weekday": 2, "start_time": "15:00"})
    assert res.status_code == 201, res.json()
    body = res.json()
    assert body["duration_minutes"] == term_group.course.lesson_duration_minutes
    assert body["valid_from"] == "2026-09-01" and body["valid_to"] == "2026-12-31"
    assert api(admin).get(f"/groups/{term_group.pk}/schedules").json()["items"][0]["id"] == body["id"]


@pytest.mark.parametrize(
    "body",
    [
        slot(weekday=7),
        slot(weekday=-1),
        slot(duration_minutes=0),
        slot(valid_from="2026-10-01", valid_to="2026-09-30"),
        slot(valid_from="2026-08-01"),  # before the group starts
        slot(start_time="25:00"),
    ],
)
def test_bad_schedules_are_422(api, admin, term_group, body):
    res = api(admin).post(f"/groups/{term_group.pk}/schedules", body)
    assert res.status_code == 422, res.json()
    assert not LessonSchedule.objects.exists()


@pytest.mark.parametrize(
    "who,status", [("teacher", 403), ("student", 404), ("parent", 404), ("outsider", 404)]
)
def test_only_admins_manage_schedules(api, request, term_group, who, status):
    user = request.getfixturevalue(who)
    existing = LessonScheduleFactory(group=term_group)
    assert api(user).post(f"/groups/{term_group.pk}/schedules", slot(weekday=3)).status_code == status
    assert api(user).patch(f"/schedules/{existing.pk}", {"weekday": 4}).status_code == status
    assert api(user).delete(f"/schedules/{existing.pk}").status_code == status
    assert LessonSchedule.objects.get(pk=existing.pk).weekday == 0


def test_teacher_reads_own_group_schedule(api, teacher, term_group):
    LessonScheduleFactory(group=term_group)
    assert api(teacher).get(f"/groups/{term_group.pk}/schedules").json()["count"] == 1


def test_teacher_clash_lists_the_clashing_lesson(api, admin, teacher, term_group):
    elsewhere = GroupFactory(teacher=teacher)
    busy = LessonFactory(group=elsewhere, starts_at=local_dt(MONDAY + timedelta(weeks=3), time(11, 0)))
    res = api(admin).post(f"/groups/{term_group.pk}/schedules", slot())
    assert res.status_code == 409
    body = res.json()
    assert body["code"] == "schedule_clash"
    assert [c["id"] for c in body["clashes"]] == [busy.pk]


def test_room_clash(api, admin, term_group):
    other_teacher_group = GroupFactory(room=term_group.room, branch=term_group.branch)
    busy = LessonFactory(group=other_teacher_group, starts_at=local_dt(MONDAY, time(9, 0)))
    res = api(admin).post(f"/groups/{term_group.pk}/schedules", slot())
    assert res.status_code == 409 and [c["id"] for c in res.json()["clashes"]] == [busy.pk]
    # a room override of the same branch avoids it
    free_room = RoomFactory(branch=term_group.branch)
    assert (
        api(admin).post(f"/groups/{term_group.pk}/schedules", slot(room_id=free_room.pk)).status_code == 201
    )


def test_touching_intervals_do_not_clash(api, admin, teacher, term_group):
    elsewhere = GroupFactory(teacher=teacher, room=term_group.room, branch=term_group.branch)
    LessonFactory(group=elsewhere, starts_at=local_dt(MONDAY, time(8, 30)))  # 8:30-10:00
    LessonFactory(
        group=elsewhere, starts_at=local_dt(MONDAY + timedelta(days=7), time(11, 30))
    )  # 11:30-13:00
    LessonFactory(group=elsewhere, starts_at=local_dt(MONDAY + timedelta(days=1), time(10, 0)))  # a Tuesday
    assert api(admin).post(f"/groups/{term_group.pk}/schedules", slot()).status_code == 201


def test_cancelled_and_out_of_range_lessons_do_not_clash(api, admin, teacher, term_group):
    elsewhere = GroupFactory(teacher=teacher)
    LessonFactory(group=elsewhere, starts_at=local_dt(MONDAY, time(10, 0)), status="cancelled")
    LessonFactory(group=elsewhere, starts_at=local_dt(date(2026, 8, 31), time(10, 0)))  # before valid_from
    assert api(admin).post(f"/groups/{term_group.pk}/schedules", slot()).status_code == 201


def test_another_groups_weekly_slot_clashes(api, admin, teacher, term_group):
    other = GroupFactory(teacher=teacher, start_date=date(2026, 10, 1), end_date=date(2027, 1, 31))
    theirs = LessonScheduleFactory(group=other, weekday=0, start_time=time(11, 0), duration_minutes=60)
    res = api(admin).post(f"/groups/{term_group.pk}/schedules", slot())
    assert res.status_code == 409
    assert [s["id"] for s in res.json()["clashing_schedules"]] == [theirs.pk]
    assert (
        api(admin).post(f"/groups/{term_group.pk}/schedules", slot(valid_to="2026-09-30")).status_code == 201
    )


def test_update_ignores_its_own_lessons_and_checks_the_new_slot(api, admin, teacher, term_group):
    mine = LessonScheduleFactory(group=term_group, weekday=0, start_time=time(10, 0))
    LessonFactory(group=term_group, schedule=mine, starts_at=local_dt(MONDAY, time(10, 0)))
    res = api(admin).patch(f"/schedules/{mine.pk}", {"duration_minutes": 120})
    assert res.status_code == 200 and res.json()["duration_minutes"] == 120
    elsewhere = GroupFactory(teacher=teacher)
    LessonFactory(group=elsewhere, starts_at=local_dt(MONDAY + timedelta(days=1), time(10, 0)))
    moved = api(admin).patch(f"/schedules/{mine.pk}", {"weekday": 1})
    assert moved.status_code == 409
    assert LessonSchedule.objects.get(pk=mine.pk).weekday == 0
    assert api(admin).patch(f"/schedules/{mine.pk}", {"weekday": 9}).status_code == 422
    assert api(admin).delete(f"/schedules/{mine.pk}").status_code == 204
    assert term_group.lessons.count() == 1  # generated lessons stay


def test_a_new_slot_of_an_active_group_is_generated_after_commit(api, admin, teacher, run_on_commit):
    from django.utils import timezone

    today = timezone.localdate()
    group = GroupFactory(teacher=teacher, start_date=today, end_date=today + timedelta(days=60))
    with run_on_commit():
        res = api(admin).post(
            f"/groups/{group.pk}/schedules", slot(weekday=today.weekday(), start_time="23:00")
        )
    assert res.status_code == 201
    assert group.lessons.count() >= 5  # today and the same weekday over the horizon (4 weeks by default)


def test_activating_a_group_generates_its_lessons(api, admin, teacher, run_on_commit):
    from django.utils import timezone

    today = timezone.localdate()
    group = GroupFactory(
        teacher=teacher, status="forming", start_date=today, end_date=today + timedelta(days=60)
    )
    LessonScheduleFactory(group=group, weekday=today.weekday(), start_time=time(23, 0))
    assert group.lessons.count() == 0
    with run_on_commit():
        assert api(admin).patch(f"/groups/{group.pk}", {"status": "active"}).status_code == 200
    assert group.lessons.count() >= 5

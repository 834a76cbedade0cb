from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.utils import timezone

from modules.lessons.models import Lesson, LessonReschedule
from modules.lessons.signals import lesson_changed
from tests.factories.courses import GroupFactory, HolidayFactory, MembershipFactory, RoomFactory, local_dt
from tests.factories.lessons import LessonFactory
from tests.page_queries import queries_for_one_and_many


@pytest.fixture
def lesson(group):
    """Tomorrow 10:00 local, in `group` (teacher, student, parent)."""
    return LessonFactory(group=group, starts_at=local_dt(timezone.localdate() + timedelta(days=1)))


@pytest.fixture
def signals():
    seen = []

    def receiver(sender, lesson, change, actor, previous_starts_at=None, reason="", **kwargs):
        seen.append(
            {
                "lesson": lesson.pk,
                "change": change,
                "actor": getattr(actor, "pk", None),
                "previous": previous_starts_at,
                "reason": reason,
            }
        )

    lesson_changed.connect(receiver, weak=False)
    yield seen
    lesson_changed.disconnect(receiver)


@pytest.fixture
def events(monkeypatch):
    sent = []

    def record(**kw):  # the declared model's instance, as the data's JSON
        sent.append({**kw, "data": kw["data"].model_dump(mode="json")})

    monkeypatch.setattr("modules.lessons.events.publish_on_commit", record)
    return sent


@pytest.mark.parametrize(
    "who,sees",
    [
        ("admin", {"mine", "other"}),
        ("teacher", {"mine"}),
        ("student", {"mine"}),
        ("parent", {"mine"}),
        ("outsider", set()),
    ],
)
def test_who_sees_which_lesson(api, request, lesson, other_group, who, sees):
    other = LessonFactory(group=other_group)
    names = {lesson.pk: "mine", other.pk: "other"}
    user = request.getfixturevalue(who)
    listed = {names[x["id"]] for x in api(user).get("/lessons").json()["items"]}
    assert listed == sees
    for pk, name in names.items():
        assert api(user).get(f"/lessons/{pk}").status_code == (200 if name in sees else 404)


def test_lesson_shape(api, student, lesson):
    body = api(student).get(f"/lessons/{lesson.pk}").json()
    assert body["group"] == {"id": lesson.group_id, "name": lesson.group.name}
    assert body["course"]["id"] == lesson.group.course_id and body["teacher"]["id"] == lesson.teacher_id
    assert body["room"]["id"] == lesson.room_id and body["branch"]["id"] == lesson.group.branch_id
    assert body["status"] == "scheduled" and body["is_rescheduled"] is False
    assert body["starts_at"].endswith("Z") or "+" in body["starts_at"]
    # the list serves the same shape from plain rows
    assert api(student).get("/lessons").json()["items"] == [body]
    lesson.room = None
    lesson.save()
    assert api(student).get("/lessons").json()["items"][0]["room"] is None


def test_lesson_filters(api, admin, group, student, teacher):
    today = timezone.localdate()
    a = LessonFactory(group=group, starts_at=local_dt(today, time(9, 0)))
    b = LessonFactory(
        group=group, starts_at=local_dt(today + timedelta(days=3), time(9, 0)), status="cancelled"
    )
    other = GroupFactory()
    c = LessonFactory(
        group=other, starts_at=local_dt(today, time(23, 30))
    )  # late evening local: still "today"
    client = api(admin)

    def ids(**params):
        return [x["id"] for x in client.get("/lessons", params).json()["items"]]

    assert ids(group=group.pk) == [a.pk, b.pk]
    assert ids(date_from=today.isoformat(), date_to=today.isoformat()) == [a.pk, c.pk]
    assert ids(status="cancelled") == [b.pk]
    assert ids(teacher=teacher.pk) == [a.pk, b.pk]
    assert ids(student=student.pk) == [a.pk, b.pk]
    assert ids(branch=other.branch_id) == [c.pk]
    assert client.get("/lessons", {"date_from": "2026-02-02", "date_to": "2026-02-01"}).status_code == 422
    assert client.get("/lessons", {"status": "postponed"}).status_code == 422


def test_lesson_list_query_count_is_constant(api, admin):
    groups = [GroupFactory() for _ in range(4)]
    for i in range(30):
        LessonFactory(group=groups[i % 4])
    client = api(admin)
    assert len(client.get("/lessons", {"limit": 100}).json()["items"]) == 30
    one, many = queries_for_one_and_many(lambda limit: client.get("/lessons", {"limit": limit}))
    assert one == many <= 5


@pytest.mark.parametrize(
    "who,status", [("admin", 200), ("teacher", 200), ("student", 403), ("parent", 403), ("outsider", 404)]
)
def test_topic_and_notes(api, request, lesson, who, status, signals, events):
    res = api(request.getfixturevalue(who)).patch(
        f"/lessons/{lesson.pk}", {"topic": "Present perfect", "notes": "p. 42"}
    )
    assert res.status_code == status
    lesson.refresh_from_db()
    if status == 200:
        assert res.json()["topic"] == lesson.topic == "Present perfect"
        assert [s["change"] for s in signals] == ["updated"]
        assert (
            events[0]["channel"] == f"group:{lesson.group_id}"
            and events[0]["data"]["topic"] == "Present perfect"
        )
    else:
        assert lesson.topic == "" and signals == [] and events == []


@pytest.mark.parametrize(
    "who,status", [("admin", 200), ("teacher", 200), ("student", 403), ("parent", 403), ("outsider", 404)]
)
def test_reschedule_permissions(api, request, lesson, who, status):
    new = (lesson.starts_at + timedelta(hours=3)).isoformat()
    res = api(request.getfixturevalue(who)).post(
        f"/lessons/{lesson.pk}/reschedule", {"starts_at": new, "reason": "x"}
    )
    assert res.status_code == status
    assert LessonReschedule.objects.filter(lesson=lesson).count() == (1 if status == 200 else 0)


def test_reschedule_keeps_history_and_announces(api, teacher, lesson, signals, events):
    old = lesson.starts_at
    new = old + timedelta(days=1, hours=2)
    res = api(teacher).post(
        f"/lessons/{lesson.pk}/reschedule", {"starts_at": new.isoformat(), "reason": "teacher is ill"}
    )
    assert res.status_code == 200, res.json()
    body = res.json()
    assert body["is_rescheduled"] is True
    lesson.refresh_from_db()
    assert lesson.starts_at == new and lesson.ends_at == new + timedelta(minutes=90)
    assert lesson.original_starts_at == old
    assert signals == [
        {
            "lesson": lesson.pk,
            "change": "rescheduled",
            "actor": teacher.pk,
            "previous": old,
            "reason": "teacher is ill",
        }
    ]
    [event] = events
    assert event["type"] == "lesson.updated" and event["data"]["change"] == "rescheduled"
    assert event["data"]["id"] == lesson.pk and event["data"]["starts_at"] == body["starts_at"]
    # a second move, then the history lists both in order
    api(teacher).post(
        f"/lessons/{lesson.pk}/reschedule",
        {"starts_at": (new + timedelta(hours=1)).isoformat(), "reason": "room"},
    )
    history = api(teacher).get(f"/lessons/{lesson.pk}/reschedules").json()["items"]
    assert [h["reason"] for h in history] == ["teacher is ill", "room"]
    assert history[0]["actor"]["id"] == teacher.pk
    assert timezone.datetime.fromisoformat(history[0]["from_starts_at"]) == old


def test_reschedule_history_visibility(api, student, parent, outsider, lesson):
    assert api(student).get(f"/lessons/{lesson.pk}/reschedules").status_code == 200
    assert api(parent).get(f"/lessons/{lesson.pk}/reschedules").status_code == 200
    assert api(outsider).get(f"/lessons/{lesson.pk}/reschedules").status_code == 404


def test_reschedule_clash_lists_lessons_touching_is_fine(api, admin, teacher, lesson):
    elsewhere = GroupFactory(teacher=teacher)
    day = timezone.localtime(lesson.starts_at).date() + timedelta(days=1)
    busy = LessonFactory(group=elsewhere, starts_at=local_dt(day, time(14, 0)))  # 14:00-15:30
    clash = api(admin).post(
        f"/lessons/{lesson.pk}/reschedule",
        {"starts_at": local_dt(day, time(13, 0)).isoformat(), "reason": "x"},
    )
    assert clash.status_code == 409
    assert clash.json()["code"] == "lesson_clash" and [c["id"] for c in clash.json()["clashes"]] == [busy.pk]
    assert not LessonReschedule.objects.exists()
    touching = api(admin).post(
        f"/lessons/{lesson.pk}/reschedule",
        {"starts_at": local_dt(day, time(15, 30)).isoformat(), "reason": "x"},
    )
    assert touching.status_code == 200


def test_reschedule_into_a_busy_room_is_409(api, admin, lesson):
    neighbour = GroupFactory(branch=lesson.group.branch)
    room = RoomFactory(branch=lesson.group.branch)
    day = timezone.localtime(lesson.starts_at).date()
    LessonFactory(group=neighbour, room=room, starts_at=local_dt(day, time(17, 0)))
    res = api(admin).post(
        f"/lessons/{lesson.pk}/reschedule",
        {"starts_at": local_dt(day, time(17, 30)).isoformat(), "reason": "x", "room_id": room.pk},
    )
    assert res.status_code == 409
    ok = api(admin).post(
        f"/lessons/{lesson.pk}/reschedule",
        {"starts_at": local_dt(day, time(17, 30)).isoformat(), "reason": "x"},
    )
    assert ok.status_code == 200 and ok.json()["room"]["id"] == lesson.room_id
    other_branch = api(admin).post(
        f"/lessons/{lesson.pk}/reschedule",
        {"starts_at": local_dt(day, time(19, 0)).isoformat(), "reason": "x", "room_id": RoomFactory().pk},
    )
    assert other_branch.status_code == 422


def test_reschedule_bad_input(api, admin, lesson, group):
    after_end = local_dt(group.end_date + timedelta(days=1)).isoformat()
    res = api(admin).post(f"/lessons/{lesson.pk}/reschedule", {"starts_at": after_end, "reason": "x"})
    assert res.status_code == 422 and res.json()["code"] == "outside_group_dates"
    holiday_day = timezone.localdate() + timedelta(days=5)
    HolidayFactory(name="Navruz", start_date=holiday_day)
    res = api(admin).post(
        f"/lessons/{lesson.pk}/reschedule", {"starts_at": local_dt(holiday_day).isoformat(), "reason": "x"}
    )
    assert res.status_code == 422 and res.json()["code"] == "holiday"
    assert (
        api(admin)
        .post(f"/lessons/{lesson.pk}/reschedule", {"starts_at": "tomorrow", "reason": "x"})
        .status_code
        == 422
    )
    assert api(admin).post(f"/lessons/{lesson.pk}/reschedule", {"starts_at": after_end}).status_code == 422
    # a naive time is read in the center's zone
    day = timezone.localdate() + timedelta(days=2)
    res = api(admin).post(f"/lessons/{lesson.pk}/reschedule", {"starts_at": f"{day}T18:00:00", "reason": "x"})
    assert res.status_code == 200
    lesson.refresh_from_db()
    assert lesson.starts_at == local_dt(day, time(18, 0))


@pytest.mark.parametrize(
    "who,status", [("admin", 200), ("teacher", 403), ("student", 403), ("parent", 403), ("outsider", 404)]
)
def test_cancel(api, request, lesson, who, status, signals):
    res = api(request.getfixturevalue(who)).post(f"/lessons/{lesson.pk}/cancel", {"reason": "flooding"})
    assert res.status_code == status
    lesson.refresh_from_db()
    if status == 200:
        assert lesson.status == "cancelled" and lesson.cancel_reason == "flooding"
        assert signals[0]["change"] == "cancelled" and signals[0]["reason"] == "flooding"
    else:
        assert lesson.status == "scheduled"


def test_cancelled_lesson_cannot_move_or_complete(api, admin, lesson):
    api(admin).post(f"/lessons/{lesson.pk}/cancel", {"reason": "x"})
    again = api(admin).post(f"/lessons/{lesson.pk}/cancel", {"reason": "x"})
    assert again.status_code == 409 and again.json()["code"] == "lesson_cancelled"
    res = api(admin).post(
        f"/lessons/{lesson.pk}/reschedule",
        {"starts_at": (lesson.starts_at + timedelta(hours=2)).isoformat(), "reason": "x"},
    )
    assert res.status_code == 409
    assert api(admin).post(f"/lessons/{lesson.pk}/complete").status_code == 409
    assert api(admin).post(f"/lessons/{lesson.pk}/cancel", {}).status_code == 422


@pytest.mark.parametrize(
    "who,status", [("admin", 200), ("teacher", 200), ("student", 403), ("parent", 403), ("outsider", 404)]
)
def test_complete(api, request, group, who, status, events):
    past = LessonFactory(group=group, starts_at=timezone.now() - timedelta(hours=2))
    res = api(request.getfixturevalue(who)).post(f"/lessons/{past.pk}/complete")
    assert res.status_code == status
    past.refresh_from_db()
    assert past.status == ("completed" if status == 200 else "scheduled")
    assert len(events) == (1 if status == 200 else 0)


def test_future_lesson_cannot_be_completed(api, teacher, lesson):
    res = api(teacher).post(f"/lessons/{lesson.pk}/complete")
    assert res.status_code == 409 and res.json()["code"] == "lesson_not_started"


def test_another_teacher_cannot_touch_my_lesson(api, lesson):
    from tests.factories.accounts import TeacherFactory

    stranger = TeacherFactory()
    assert api(stranger).patch(f"/lessons/{lesson.pk}", {"topic": "x"}).status_code == 404


def test_event_really_reaches_the_channel_after_commit(lesson, admin, run_on_commit, monkeypatch):
    sent = []
    monkeypatch.setattr("realtime.publish.send_now", lambda envelope, text=None: sent.append(envelope))
    from modules.lessons.services.lessons import lesson_cancel

    with run_on_commit():
        lesson_cancel(lesson=lesson, reason="storm", actor=admin)
    [envelope] = [e for e in sent if e["type"] == "lesson.updated"]  # other modules may react too
    assert envelope["channel"] == f"group:{lesson.group_id}" and envelope["type"] == "lesson.updated"
    assert envelope["data"]["status"] == "cancelled" and envelope["data"]["cancel_reason"] == "storm"
    assert Lesson.objects.get(pk=lesson.pk).status == "cancelled"


def test_student_filter_needs_visibility(api, parent, student, lesson):
    MembershipFactory(group=GroupFactory())  # someone else's lessons never leak through the filter
    assert [x["id"] for x in api(parent).get("/lessons", {"student": student.pk}).json()["items"]] == [
        lesson.pk
    ]

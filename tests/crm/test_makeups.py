"""Make-ups: a make-up lesson (kind makeup, clash-checked) or seats in another group's lesson for
students absent from a lesson; attending it marks the absence made up; the students and their
parents see it (lessons, calendar feed) and are told."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from modules.attendance.models import AttendanceRecord
from modules.attendance.services import attendance_mark_bulk
from modules.lessons.models import Lesson, MakeupSeat
from modules.notifications.models import Notification
from tests.factories.accounts import StudentFactory, TeacherFactory
from tests.factories.courses import GroupFactory, MembershipFactory, RoomFactory, local_dt, local_today
from tests.factories.lessons import LessonFactory


@pytest.fixture
def missed(group, student, teacher):
    """Yesterday's lesson: the persona student absent, a classmate present."""
    classmate = StudentFactory()
    MembershipFactory(group=group, student=classmate)
    lesson = LessonFactory(group=group, starts_at=local_dt(local_today() - timedelta(days=1)))
    attendance_mark_bulk(
        lesson=lesson,
        actor=teacher,
        records=[
            {"student_id": student.pk, "status": "absent"},
            {"student_id": classmate.pk, "status": "present"},
        ],
    )
    lesson.classmate = classmate
    return lesson


def _when(days: int = 2, hour: int = 15):
    from datetime import time

    return local_dt(local_today() + timedelta(days=days), time(hour, 0))


def test_a_makeup_lesson_for_absent_students(api, teacher, student, missed, run_on_commit):
    with run_on_commit():
        response = api(teacher).post(
            f"/lessons/{missed.pk}/makeups", {"student_ids": [student.pk], "starts_at": _when().isoformat()}
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "makeup"
    assert body["group"]["id"] == missed.group_id and body["teacher"]["id"] == teacher.pk
    makeup = Lesson.objects.get(pk=body["id"])
    assert makeup.ends_at - makeup.starts_at == missed.ends_at - missed.starts_at
    assert list(MakeupSeat.objects.filter(lesson=makeup).values_list("student_id", "original_id")) == [
        (student.pk, missed.pk)
    ]
    note = Notification.objects.get(user=student, kind="broadcast")
    assert note.data == {"event": "makeup_booked", "lesson_id": makeup.pk}


def test_only_absent_students_once(api, teacher, student, missed):
    client = api(teacher)
    present = client.post(
        f"/lessons/{missed.pk}/makeups",
        {"student_ids": [missed.classmate.pk], "starts_at": _when().isoformat()},
    )
    assert present.status_code == 422
    assert present.json()["code"] == "students_not_absent"
    assert (
        client.post(
            f"/lessons/{missed.pk}/makeups", {"student_ids": [student.pk], "starts_at": _when().isoformat()}
        ).status_code
        == 201
    )
    twice = client.post(
        f"/lessons/{missed.pk}/makeups", {"student_ids": [student.pk], "starts_at": _when(3).isoformat()}
    )
    assert twice.status_code == 409
    assert twice.json()["code"] == "already_made_up"


def test_a_clash_is_409_listing_the_lessons(api, admin, teacher, student, missed):
    busy = LessonFactory(group=GroupFactory(teacher=teacher), starts_at=_when())
    response = api(admin).post(
        f"/lessons/{missed.pk}/makeups",
        {"student_ids": [student.pk], "starts_at": (_when() + timedelta(minutes=30)).isoformat()},
    )
    assert response.status_code == 409
    assert response.json()["code"] == "lesson_clash"
    assert [c["id"] for c in response.json()["clashes"]] == [busy.pk]


def test_own_teacher_and_room_for_the_makeup(api, admin, student, missed):
    other_teacher = TeacherFactory()
    room = RoomFactory(branch=missed.group.branch)
    body = (
        api(admin)
        .post(
            f"/lessons/{missed.pk}/makeups",
            {
                "student_ids": [student.pk],
                "starts_at": _when().isoformat(),
                "teacher_id": other_teacher.pk,
                "room_id": room.pk,
            },
        )
        .json()
    )
    assert (body["teacher"]["id"], body["room"]["id"]) == (other_teacher.pk, room.pk)
    assert api(other_teacher).get(f"/lessons/{body['id']}").status_code == 200


def test_a_teacher_may_not_hand_a_makeup_to_another_teacher(api, teacher, student, missed):
    response = api(teacher).post(
        f"/lessons/{missed.pk}/makeups",
        {"student_ids": [student.pk], "starts_at": _when().isoformat(), "teacher_id": TeacherFactory().pk},
    )
    assert response.status_code == 403


@pytest.mark.parametrize("persona", ["student", "parent", "outsider"])
def test_students_and_parents_cannot_book_makeups(api, request, student, missed, persona):
    response = api(request.getfixturevalue(persona)).post(
        f"/lessons/{missed.pk}/makeups", {"student_ids": [student.pk], "starts_at": _when().isoformat()}
    )
    assert response.status_code in (403, 404)
    assert not MakeupSeat.objects.exists()


def test_seats_in_another_groups_lesson_of_the_same_course(api, admin, student, missed):
    other = GroupFactory(course=missed.group.course)
    target = LessonFactory(group=other, starts_at=_when())
    response = api(admin).post(
        f"/lessons/{missed.pk}/makeups", {"student_ids": [student.pk], "lesson_id": target.pk}
    )
    assert response.status_code == 201
    assert response.json()["id"] == target.pk and response.json()["kind"] == "regular"
    sheet = api(admin).get(f"/lessons/{target.pk}/attendance").json()
    assert student.pk in [r["student"]["id"] for r in sheet["records"]]
    other_course = LessonFactory(group=GroupFactory(), starts_at=_when(4))
    wrong = api(admin).post(
        f"/lessons/{missed.pk}/makeups", {"student_ids": [student.pk], "lesson_id": other_course.pk}
    )
    assert wrong.status_code == 422


def test_attending_the_makeup_marks_the_absence_made_up(api, admin, teacher, student, missed):
    body = (
        api(teacher)
        .post(
            f"/lessons/{missed.pk}/makeups", {"student_ids": [student.pk], "starts_at": _when().isoformat()}
        )
        .json()
    )
    makeup = Lesson.objects.get(pk=body["id"])
    with time_machine.travel(makeup.starts_at + timedelta(minutes=20), tick=False):
        client = api(teacher)  # a token issued in the travelled time
        sheet = client.get(f"/lessons/{makeup.pk}/attendance").json()
        assert [r["student"]["id"] for r in sheet["records"]] == [student.pk]  # only the seat, not the group
        marked = client.put(
            f"/lessons/{makeup.pk}/attendance", {"records": [{"student_id": student.pk, "status": "present"}]}
        )
        assert marked.status_code == 200, marked.content
        original = AttendanceRecord.objects.get(lesson=missed, student=student)
        assert original.made_up_by_id == makeup.pk
        sheet = client.get(f"/lessons/{missed.pk}/attendance").json()
        assert sheet["made_up"] == [{"student_id": student.pk, "made_up_by_lesson_id": makeup.pk}]
        report = api(admin).get(f"/attendance/reports/students/{student.pk}").json()
        assert {r["lesson_id"]: r["made_up_by_lesson_id"] for r in report["records"]}[missed.pk] == makeup.pk
        client.put(
            f"/lessons/{makeup.pk}/attendance", {"records": [{"student_id": student.pk, "status": "absent"}]}
        )
    assert AttendanceRecord.objects.get(lesson=missed, student=student).made_up_by_id is None


def test_students_and_parents_see_the_makeup_classmates_do_not(api, teacher, student, parent, missed):
    body = (
        api(teacher)
        .post(
            f"/lessons/{missed.pk}/makeups", {"student_ids": [student.pk], "starts_at": _when().isoformat()}
        )
        .json()
    )
    params = {
        "date_from": local_today().isoformat(),
        "date_to": (local_today() + timedelta(days=5)).isoformat(),
    }
    for user in (student, parent):
        ids = [lesson["id"] for lesson in api(user).get("/lessons", params).json()["items"]]
        assert body["id"] in ids
    assert body["id"] not in [x["id"] for x in api(missed.classmate).get("/lessons", params).json()["items"]]
    assert api(missed.classmate).get(f"/lessons/{body['id']}").status_code == 404


def test_the_makeup_is_in_the_calendar_feed(api, student, teacher, missed):
    body = (
        api(teacher)
        .post(
            f"/lessons/{missed.pk}/makeups", {"student_ids": [student.pk], "starts_at": _when().isoformat()}
        )
        .json()
    )
    url = api(student).post("/calendar/feed").json()["url"]
    ics = api().get(url.split("testserver", 1)[1]).content.decode()
    assert f"lesson-{body['id']}@markaz" in ics
    assert "[make-up]" in ics


def test_either_starts_at_or_lesson_id(api, teacher, student, missed):
    client = api(teacher)
    assert client.post(f"/lessons/{missed.pk}/makeups", {"student_ids": [student.pk]}).status_code == 422
    assert (
        client.post(
            f"/lessons/{missed.pk}/makeups",
            {"student_ids": [student.pk], "starts_at": _when().isoformat(), "lesson_id": 1},
        ).status_code
        == 422
    )
    past = client.post(
        f"/lessons/{missed.pk}/makeups", {"student_ids": [student.pk], "starts_at": _when(-2).isoformat()}
    )
    assert past.status_code == 422


def test_makeup_booked_and_lesson_changed_signals_carry_the_booking(teacher, student, missed):
    from modules.attendance.makeups import makeup_book
    from modules.lessons.signals import lesson_changed, makeup_booked

    heard = []

    def on_booked(sender, lesson, original, student_ids, actor, **kwargs):
        heard.append(("booked", lesson.kind, original.pk, student_ids, actor.pk))

    def on_changed(sender, lesson, change, actor, **kwargs):
        heard.append(("changed", lesson.kind, change))

    makeup_booked.connect(on_booked)
    lesson_changed.connect(on_changed)
    try:
        makeup_book(original=missed, student_ids=[student.pk], actor=teacher, starts_at=_when())
    finally:
        makeup_booked.disconnect(on_booked)
        lesson_changed.disconnect(on_changed)
    assert heard == [
        ("changed", "makeup", "created"),
        ("booked", "makeup", missed.pk, [student.pk], teacher.pk),
    ]


def test_a_cancelled_makeup_tells_its_students_not_the_whole_group(
    api, admin, teacher, student, missed, run_on_commit, monkeypatch
):
    """Classmates never see a make-up over REST, so neither its socket event nor its cancellation
    notice may reach them: only the group's staff channel and the seated students hear of it."""
    import realtime.publish

    sent: list[dict] = []
    monkeypatch.setattr(realtime.publish, "send_now", lambda envelope, text=None: sent.append(envelope))
    body = api(teacher).post(
        f"/lessons/{missed.pk}/makeups", {"student_ids": [student.pk], "starts_at": _when().isoformat()}
    )
    makeup_id = body.json()["id"]
    with run_on_commit():
        response = api(admin).post(f"/lessons/{makeup_id}/cancel", {"reason": "teacher ill"})
    assert response.status_code == 200, response.content
    updates = [e["channel"] for e in sent if e["type"] == "lesson.updated" and e["data"]["id"] == makeup_id]
    assert sorted(updates) == sorted([f"group_staff:{missed.group_id}", f"user:{student.pk}"])
    cancelled = Notification.objects.filter(kind="lesson_cancelled", data__lesson_id=makeup_id)
    assert set(cancelled.values_list("user_id", flat=True)) >= {student.pk}
    assert not cancelled.filter(user=missed.classmate).exists()

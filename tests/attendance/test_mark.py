from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from modules.attendance.models import AttendanceChange, AttendanceRecord
from modules.lessons.models import Lesson
from tests.factories.accounts import StudentFactory, TeacherFactory
from tests.factories.courses import FreezePeriodFactory, local_today
from tests.factories.lessons import LessonFactory


def url(lesson):
    return f"/lessons/{lesson.pk}/attendance"


def test_bulk_mark_creates_records_and_history(api, teacher, student, classmates, past_lesson):
    body = {
        "records": [
            {"student_id": student.pk, "status": "present"},
            {"student_id": classmates[0].pk, "status": "late", "note": "bus"},
        ]
    }
    resp = api(teacher).put(url(past_lesson), body)
    assert resp.status_code == 200, resp.content
    data = resp.json()
    by_student = {r["student"]["id"]: r for r in data["records"]}
    assert by_student[student.pk]["status"] == "present"
    assert by_student[classmates[0].pk]["note"] == "bus"
    assert by_student[classmates[1].pk]["status"] is None  # on the roster, not marked
    assert data["summary"] == {"present": 1, "absent": 0, "late": 1, "excused": 0, "unmarked": 1, "rate": 1.0}
    record = AttendanceRecord.objects.get(lesson=past_lesson, student=student)
    assert record.marked_by == teacher
    assert list(record.changes.values_list("before_status", "after_status")) == [("", "present")]


def test_remark_changes_only_what_differs_and_keeps_history(api, teacher, admin, student, past_lesson):
    api(teacher).put(url(past_lesson), {"records": [{"student_id": student.pk, "status": "absent"}]})
    api(admin).put(url(past_lesson), {"records": [{"student_id": student.pk, "status": "absent"}]})
    resp = api(admin).put(url(past_lesson), {"records": [{"student_id": student.pk, "status": "excused"}]})
    assert resp.status_code == 200
    record = AttendanceRecord.objects.get(lesson=past_lesson, student=student)
    assert (record.status, record.marked_by) == ("excused", admin)
    changes = list(record.changes.order_by("id"))
    assert [(c.before_status, c.after_status, c.actor) for c in changes] == [
        ("", "absent", teacher),
        ("absent", "excused", admin),
    ]


def test_unknown_and_off_roster_students_reject_everything(api, teacher, student, outsider, past_lesson):
    body = {
        "records": [
            {"student_id": student.pk, "status": "present"},
            {"student_id": outsider.pk, "status": "present"},
            {"student_id": 987654, "status": "absent"},
        ]
    }
    resp = api(teacher).put(url(past_lesson), body)
    assert resp.status_code == 422
    err = resp.json()
    assert err["code"] == "students_not_on_roster"
    assert err["off_roster_student_ids"] == [outsider.pk]
    assert err["unknown_student_ids"] == [987654]
    assert [d["loc"] for d in err["detail"]] == [
        ["body", "records", 1, "student_id"],
        ["body", "records", 2, "student_id"],
    ]
    assert not AttendanceRecord.objects.exists()
    assert Lesson.objects.get(pk=past_lesson.pk).status == "scheduled"


def test_roster_excludes_frozen_left_and_not_yet_joined(api, teacher, group, past_lesson, member):
    day = timezone.localtime(past_lesson.starts_at).date()
    frozen, left, late_joiner = StudentFactory(), StudentFactory(), StudentFactory()
    FreezePeriodFactory(membership=member(frozen), start_date=day, end_date=day)
    member(left, status="left", left_on=day)
    member(late_joiner, joined_on=day + timedelta(days=1))
    for s in (frozen, left, late_joiner):
        resp = api(teacher).put(url(past_lesson), {"records": [{"student_id": s.pk, "status": "present"}]})
        assert resp.status_code == 422, s
        assert resp.json()["off_roster_student_ids"] == [s.pk]
    sheet = api(teacher).get(url(past_lesson)).json()
    assert {frozen.pk, left.pk, late_joiner.pk}.isdisjoint({r["student"]["id"] for r in sheet["records"]})


def test_duplicate_students_in_one_request_are_422(api, teacher, student, past_lesson):
    body = {"records": [{"student_id": student.pk, "status": "present"}] * 2}
    resp = api(teacher).put(url(past_lesson), body)
    assert resp.status_code == 422
    assert "repeated" in str(resp.json()["detail"])


def test_bad_status_is_422(api, teacher, student, past_lesson):
    resp = api(teacher).put(url(past_lesson), {"records": [{"student_id": student.pk, "status": "sleeping"}]})
    assert resp.status_code == 422


def test_edit_window_limits_teachers_not_admins(api, teacher, admin, student, group, settings):
    old = LessonFactory(group=group, starts_at=timezone.now() - timedelta(days=5))
    body = {"records": [{"student_id": student.pk, "status": "present"}]}
    resp = api(teacher).put(url(old), body)
    assert resp.status_code == 403
    assert resp.json()["code"] == "attendance_edit_window_closed"
    assert resp.json()["edit_window_days"] == 3
    assert api(admin).put(url(old), body).status_code == 200


def test_edit_window_follows_system_settings(api, teacher, student, group):
    from modules.center.selectors import get_system_settings, invalidate_system_settings

    s = get_system_settings()
    type(s).objects.filter(pk=s.pk).update(attendance_edit_window_days=10)
    invalidate_system_settings()
    old = LessonFactory(group=group, starts_at=timezone.now() - timedelta(days=5))
    resp = api(teacher).put(url(old), {"records": [{"student_id": student.pk, "status": "present"}]})
    assert resp.status_code == 200


def test_cancelled_lesson_is_409(api, admin, student, past_lesson):
    Lesson.objects.filter(pk=past_lesson.pk).update(status="cancelled")
    resp = api(admin).put(url(past_lesson), {"records": [{"student_id": student.pk, "status": "present"}]})
    assert (resp.status_code, resp.json()["code"]) == (409, "lesson_cancelled")


def test_future_lesson_accepts_only_excused(api, teacher, student, future_lesson):
    resp = api(teacher).put(
        url(future_lesson), {"records": [{"student_id": student.pk, "status": "present"}]}
    )
    assert (resp.status_code, resp.json()["code"]) == (409, "lesson_not_started")
    resp = api(teacher).put(
        url(future_lesson), {"records": [{"student_id": student.pk, "status": "excused"}]}
    )
    assert resp.status_code == 200
    assert Lesson.objects.get(pk=future_lesson.pk).status == "scheduled"  # not completed: not started


def test_first_marks_complete_a_past_lesson(
    api, teacher, student, past_lesson, signals, events, run_on_commit
):
    with run_on_commit():
        resp = api(teacher).put(
            url(past_lesson), {"records": [{"student_id": student.pk, "status": "present"}]}
        )
    assert resp.json()["lesson_status"] == "completed"
    assert Lesson.objects.get(pk=past_lesson.pk).status == "completed"
    assert len(signals["lesson_changed"]) == 1
    call = signals["lesson_changed"][0]
    assert (call["lesson"].pk, call["change"], call["actor"]) == (past_lesson.pk, "completed", teacher)
    updated = [e for e in events if e["type"] == "lesson.updated"]
    assert len(updated) == 1
    assert updated[0]["channel"] == f"group:{past_lesson.group_id}"
    assert (updated[0]["data"]["id"], updated[0]["data"]["status"], updated[0]["data"]["change"]) == (
        past_lesson.pk,
        "completed",
        "completed",
    )
    with run_on_commit():
        api(teacher).put(url(past_lesson), {"records": [{"student_id": student.pk, "status": "late"}]})
    assert len(signals["lesson_changed"]) == 1  # completed once


def test_patch_single_record(api, teacher, student, past_lesson):
    resp = api(teacher).patch(f"{url(past_lesson)}/{student.pk}", {"status": "absent"})
    assert resp.status_code == 200
    resp = api(teacher).patch(f"{url(past_lesson)}/{student.pk}", {"note": "called parents"})
    record = AttendanceRecord.objects.get(lesson=past_lesson, student=student)
    assert (record.status, record.note) == ("absent", "called parents")
    assert record.changes.count() == 2


def test_patch_new_record_without_status_is_422(api, teacher, student, past_lesson):
    resp = api(teacher).patch(f"{url(past_lesson)}/{student.pk}", {"note": "x"})
    assert resp.status_code == 422


def test_patch_off_roster_student_is_422(api, teacher, outsider, past_lesson):
    resp = api(teacher).patch(f"{url(past_lesson)}/{outsider.pk}", {"status": "present"})
    assert resp.status_code == 422
    assert resp.json()["off_roster_student_ids"] == [outsider.pk]


def test_substitute_teacher_may_mark_their_lesson(api, student, group):
    substitute = TeacherFactory()
    lesson = LessonFactory(group=group, teacher=substitute, starts_at=timezone.now() - timedelta(hours=3))
    resp = api(substitute).put(url(lesson), {"records": [{"student_id": student.pk, "status": "present"}]})
    assert resp.status_code == 200


@pytest.mark.parametrize("persona", ["student", "parent"])
def test_students_and_parents_cannot_mark(api, request, persona, student, past_lesson):
    user = request.getfixturevalue(persona)
    resp = api(user).put(url(past_lesson), {"records": [{"student_id": student.pk, "status": "present"}]})
    assert resp.status_code == 403


def test_outsiders_and_other_teachers_get_404(api, outsider, student, past_lesson):
    body = {"records": [{"student_id": student.pk, "status": "present"}]}
    assert api(outsider).put(url(past_lesson), body).status_code == 404
    assert api(TeacherFactory()).put(url(past_lesson), body).status_code == 404
    assert api(outsider).get(url(past_lesson)).status_code == 404
    assert api().get(url(past_lesson)).status_code == 401


def test_sheet_visibility_per_persona(api, admin, teacher, student, parent, classmates, past_lesson):
    api(teacher).put(
        url(past_lesson),
        {
            "records": [
                {"student_id": student.pk, "status": "present"},
                {"student_id": classmates[0].pk, "status": "absent"},
            ]
        },
    )
    for user, expected in ((admin, 3), (teacher, 3), (student, 1), (parent, 1)):
        resp = api(user).get(url(past_lesson))
        assert resp.status_code == 200
        rows = resp.json()["records"]
        assert len(rows) == expected, user.role
        if expected == 1:
            assert rows[0]["student"]["id"] == student.pk


def test_record_of_a_student_who_left_stays_visible(api, teacher, student, past_lesson, group):
    api(teacher).put(url(past_lesson), {"records": [{"student_id": student.pk, "status": "present"}]})
    group.memberships.filter(student=student).update(status="left", left_on=local_today() - timedelta(days=5))
    rows = api(teacher).get(url(past_lesson)).json()["records"]
    kept = [r for r in rows if r["student"]["id"] == student.pk]
    assert kept and kept[0]["on_roster"] is False and kept[0]["status"] == "present"


def test_history_endpoint(api, teacher, admin, student, parent, past_lesson):
    api(teacher).put(url(past_lesson), {"records": [{"student_id": student.pk, "status": "absent"}]})
    api(admin).patch(f"{url(past_lesson)}/{student.pk}", {"status": "excused", "note": "doctor"})
    resp = api(admin).get(f"{url(past_lesson)}/history")
    assert resp.status_code == 200
    hist = resp.json()["items"]
    assert [(h["before_status"], h["after_status"], h["actor_id"]) for h in hist] == [
        (None, "absent", teacher.pk),
        ("absent", "excused", admin.pk),
    ]
    assert api(teacher).get(f"{url(past_lesson)}/history").status_code == 200
    assert api(student).get(f"{url(past_lesson)}/history").status_code == 403
    assert api(parent).get(f"{url(past_lesson)}/history").status_code == 403
    assert AttendanceChange.objects.count() == 2


@pytest.mark.parametrize(
    ("persona", "code"),
    [("admin", 200), ("teacher", 200), ("student", 403), ("parent", 403), ("outsider", 404)],
)
def test_patch_and_history_per_persona(api, request, persona, code, student, past_lesson):
    user = request.getfixturevalue(persona)
    resp = api(user).patch(f"{url(past_lesson)}/{student.pk}", {"status": "present"})
    assert resp.status_code == code
    assert api(user).get(f"{url(past_lesson)}/history").status_code == code
    assert api().patch(f"{url(past_lesson)}/{student.pk}", {"status": "present"}).status_code == 401

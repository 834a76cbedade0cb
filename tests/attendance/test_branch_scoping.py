"""Attendance per branch: marks, sheets and reports of another branch's lessons are 404; the student
report (and its export) takes ?branch=, which narrows for the director and is a 404 for a branch admin
asking for a branch not theirs."""

from __future__ import annotations

import pytest

from tests.factories.attendance import AttendanceRecordFactory
from tests.factories.branches import two_branches
from tests.factories.courses import MembershipFactory
from tests.factories.lessons import LessonFactory


@pytest.fixture
def world(db):
    w = two_branches()
    # the branch A student also learns in branch B: one record in each branch
    MembershipFactory(group=w.b.group, student=w.a.student)
    for lesson, student in ((w.a.lesson, w.a.student), (w.b.lesson, w.a.student)):
        AttendanceRecordFactory(lesson=lesson, student=student, status="present")
    return w


def _report(client, student, **params):
    return client.get(f"/attendance/reports/students/{student.id}", params)


def test_another_branchs_sheet_and_reports_are_404(api, world):
    client, b = api(world.a.admin), world.b
    assert client.get(f"/lessons/{b.lesson.id}/attendance").status_code == 404
    marks = {"records": [{"student_id": b.student.id, "status": "absent"}]}
    assert client.put(f"/lessons/{b.lesson.id}/attendance", marks).status_code == 404
    assert client.get(f"/lessons/{b.lesson.id}/attendance/history").status_code == 404
    assert client.get(f"/attendance/reports/lessons/{b.lesson.id}").status_code == 404
    assert client.get(f"/attendance/reports/groups/{b.group.id}").status_code == 404
    assert client.get(f"/attendance/reports/groups/{b.group.id}", {"format": "csv"}).status_code == 404
    assert _report(client, b.student).status_code == 404
    makeup = {"student_ids": [b.student.id], "starts_at": b.lesson.starts_at.isoformat()}
    assert client.post(f"/lessons/{b.lesson.id}/makeups", makeup).status_code == 404
    assert not b.lesson.attendance.filter(student=b.student).exists()


def test_the_student_report_covers_the_viewers_branches(api, world):
    a, b = world.a, world.b
    mine = _report(api(a.admin), a.student).json()
    assert [r["lesson_id"] for r in mine["records"]] == [a.lesson.id]
    everything = _report(api(world.director), a.student).json()
    assert {r["lesson_id"] for r in everything["records"]} == {a.lesson.id, b.lesson.id}
    narrowed = _report(api(world.director), a.student, branch=b.branch.id).json()
    assert [r["lesson_id"] for r in narrowed["records"]] == [b.lesson.id]
    assert _report(api(a.admin), a.student, branch=b.branch.id).status_code == 404


def test_the_export_is_limited_the_same_way(api, world):
    a, b = world.a, world.b
    csv = _report(api(a.admin), a.student, format="csv").content.decode("utf-8-sig")
    assert a.group.name in csv and b.group.name not in csv
    csv = _report(api(world.director), a.student, format="csv", branch=b.branch.id).content.decode(
        "utf-8-sig"
    )
    assert b.group.name in csv and a.group.name not in csv


def test_a_makeup_in_another_branchs_room_is_refused(api, world):
    a, b = world.a, world.b
    a.lesson.attendance.filter(student=a.student).update(status="absent")
    later = LessonFactory(group=a.group).starts_at.isoformat()
    body = {"student_ids": [a.student.id], "starts_at": later, "room_id": b.room.id}
    r = api(a.admin).post(f"/lessons/{a.lesson.id}/makeups", body)
    assert r.status_code == 422 and r.json()["code"] == "branch_forbidden"

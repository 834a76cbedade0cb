from __future__ import annotations

import csv
import io
from datetime import timedelta

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from modules.attendance import services
from tests.factories.accounts import StudentFactory, TeacherFactory
from tests.factories.courses import FreezePeriodFactory, MembershipFactory, local_dt, local_today
from tests.factories.lessons import LessonFactory

PLAN = {
    # student -> statuses for lessons L1..L5 (None: not marked)
    "student": ["present", "late", "absent", "excused", "absent"],
    "c0": ["present", "present", "present", "present", None],
    "c1": [None, "absent", None, "present", "absent"],  # joined on L2's day, frozen on L3's
}


@pytest.fixture
def center(db, admin, teacher, student, classmates):
    from tests.factories.courses import GroupFactory

    c0, c1 = classmates
    group = GroupFactory(teacher=teacher, start_date=local_today() - timedelta(days=30))
    days = [local_today() - timedelta(days=d) for d in (6, 5, 4, 3, 2)]
    lessons = [LessonFactory(group=group, starts_at=local_dt(d)) for d in days]
    MembershipFactory(group=group, student=student)
    MembershipFactory(group=group, student=c0)
    m1 = MembershipFactory(group=group, student=c1, joined_on=days[1])
    FreezePeriodFactory(membership=m1, start_date=days[2], end_date=days[2])
    people = {"student": student, "c0": c0, "c1": c1}
    for i, lesson in enumerate(lessons):
        records = [{"student_id": people[k].pk, "status": v[i]} for k, v in PLAN.items() if v[i]]
        services.attendance_mark_bulk(lesson=lesson, actor=admin, records=records)
    return group, lessons, days


def summary(present, absent, late, excused, unmarked, rate):
    return {
        "present": present,
        "absent": absent,
        "late": late,
        "excused": excused,
        "unmarked": unmarked,
        "rate": rate,
    }


def test_student_report_numbers(api, admin, student, center):
    resp = api(admin).get(f"/attendance/reports/students/{student.pk}")
    assert resp.status_code == 200, resp.content
    data = resp.json()
    assert data["summary"] == summary(1, 2, 1, 1, 0, 0.5)
    assert data["current_absence_streak"] == 2  # absent, (excused skipped), absent, then late
    assert [r["status"] for r in data["records"]] == PLAN["student"]


def test_student_report_date_range(api, admin, student, center):
    _, _, days = center
    resp = api(admin).get(
        f"/attendance/reports/students/{student.pk}",
        {"date_from": days[0].isoformat(), "date_to": days[2].isoformat()},
    )
    data = resp.json()
    assert data["summary"] == summary(1, 1, 1, 0, 0, round(2 / 3, 4))
    assert data["current_absence_streak"] == 1


def test_group_report_matrix(api, teacher, student, classmates, center):
    group, lessons, _ = center
    resp = api(teacher).get(f"/attendance/reports/groups/{group.pk}")
    assert resp.status_code == 200, resp.content
    data = resp.json()
    assert [lesson["id"] for lesson in data["lessons"]] == [lesson.pk for lesson in lessons]
    rows = {r["student"]["id"]: r for r in data["students"]}
    assert [r["student"]["id"] for r in data["students"]] == [classmates[0].pk, classmates[1].pk, student.pk]
    assert rows[student.pk]["cells"] == PLAN["student"]
    assert rows[classmates[0].pk]["cells"] == ["present"] * 4 + ["unmarked"]
    assert rows[classmates[1].pk]["cells"] == [None, "absent", None, "present", "absent"]
    assert rows[student.pk]["summary"] == summary(1, 2, 1, 1, 0, 0.5)
    assert rows[classmates[0].pk]["summary"] == summary(4, 0, 0, 0, 1, 1.0)
    assert rows[classmates[1].pk]["summary"] == summary(1, 2, 0, 0, 0, 0.3333)
    assert [lesson["summary"]["rate"] for lesson in data["lessons"]] == [1.0, 0.6667, 0.5, 1.0, 0.0]
    assert data["summary"] == summary(6, 4, 1, 1, 1, 0.6364)


def test_group_report_csv_and_xlsx(api, admin, student, center):
    group, lessons, _ = center
    resp = api(admin).get(f"/attendance/reports/groups/{group.pk}", {"format": "csv"})
    assert resp.status_code == 200
    assert resp["Content-Type"].startswith("text/csv")
    assert f"attendance-group-{group.pk}.csv" in resp["Content-Disposition"]
    table = list(csv.reader(io.StringIO(resp.content.decode("utf-8-sig"))))
    assert len(table[0]) == 3 + len(lessons) + 6
    mine = next(r for r in table if r[0] == str(student.pk))
    assert mine[3:8] == PLAN["student"]
    assert table[-1][1] == "rate" and table[-1][-1] == "0.6364"
    resp = api(admin).get(f"/attendance/reports/groups/{group.pk}", {"format": "xlsx"})
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(resp.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:3] == ("student_id", "student", "phone")
    assert any(row[0] == student.pk and list(row[3:8]) == PLAN["student"] for row in values)


def test_lesson_report_json_and_csv(api, teacher, center, student):
    _, lessons, _ = center
    resp = api(teacher).get(f"/attendance/reports/lessons/{lessons[1].pk}")
    assert resp.status_code == 200
    assert resp.json()["summary"] == summary(1, 1, 1, 0, 0, 0.6667)
    resp = api(teacher).get(f"/attendance/reports/lessons/{lessons[4].pk}", {"format": "csv"})
    table = list(csv.reader(io.StringIO(resp.content.decode("utf-8-sig"))))
    assert table[0] == ["student_id", "student", "phone", "status", "note", "marked_at"]
    assert sorted(r[3] for r in table[1:]) == ["absent", "absent", "unmarked"]


def test_student_report_csv(api, parent, student, center):
    resp = api(parent).get(f"/attendance/reports/students/{student.pk}", {"format": "csv"})
    assert resp.status_code == 200
    table = list(csv.reader(io.StringIO(resp.content.decode("utf-8-sig"))))
    assert [r[3] for r in table[1:]] == PLAN["student"]


def test_report_authorization(api, admin, teacher, student, parent, outsider, classmates, center):
    group, lessons, _ = center
    s_url = f"/attendance/reports/students/{student.pk}"
    for user, code in (
        (admin, 200),
        (teacher, 200),
        (student, 200),
        (parent, 200),
        (outsider, 404),
        (TeacherFactory(), 404),
    ):
        assert api(user).get(s_url).status_code == code, user.role
    assert api(student).get(f"/attendance/reports/students/{classmates[0].pk}").status_code == 404
    g_url = f"/attendance/reports/groups/{group.pk}"
    for user, code in ((admin, 200), (teacher, 200), (student, 403), (parent, 403), (outsider, 404)):
        assert api(user).get(g_url).status_code == code, user.role
    l_url = f"/attendance/reports/lessons/{lessons[0].pk}"
    for user, code in ((admin, 200), (teacher, 200), (student, 403), (parent, 403), (outsider, 404)):
        assert api(user).get(l_url).status_code == code, user.role
    assert api().get(g_url).status_code == 401
    assert api(admin).get(g_url, {"format": "pdf"}).status_code == 422


def test_group_report_queries_do_not_grow(admin, teacher, center):
    from modules.attendance.reports import group_report

    group, lessons, _ = center
    with CaptureQueriesContext(connection) as small:
        group_report(group=group, date_from=None, date_to=None)
    for _ in range(5):
        s = StudentFactory()
        MembershipFactory(group=group, student=s)
    more = [
        LessonFactory(group=group, starts_at=local_dt(local_today() - timedelta(days=d)))
        for d in (10, 11, 12)
    ]
    assert more
    with CaptureQueriesContext(connection) as big:
        group_report(group=group, date_from=None, date_to=None)
    assert len(small.captured_queries) == len(big.captured_queries) <= 5


def test_student_report_queries_do_not_grow(api, admin, student, center):
    group, lessons, _ = center
    with CaptureQueriesContext(connection) as few:
        assert (
            api(admin)
            .get(f"/attendance/reports/students/{student.pk}", {"date_from": str(local_today())})
            .status_code
            == 200
        )
    with CaptureQueriesContext(connection) as many:
        assert api(admin).get(f"/attendance/reports/students/{student.pk}").status_code == 200
    assert len(few.captured_queries) == len(many.captured_queries)

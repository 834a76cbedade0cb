from __future__ import annotations

import io
from datetime import timedelta

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from modules.attendance.models import AttendanceChange, AttendanceRecord
from tests.factories.lessons import LessonFactory

URL = "/attendance/import"


def csv_file(lines: list[str], name="attendance.csv", sep=","):
    return SimpleUploadedFile(name, "\n".join(sep.join(cells) for cells in lines).encode(), "text/csv")


def xlsx_file(rows: list[list], name="attendance.xlsx"):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue(), "application/octet-stream")


def day(lesson):
    return timezone.localtime(lesson.starts_at).date()


def local_phone(user):
    """+998901234567 -> '90 123 45 67' (a form people type)."""
    d = user.phone.removeprefix("+998")
    return f"{d[:2]} {d[2:5]} {d[5:7]} {d[7:]}"


def test_csv_import_by_group_date_and_phone(api, teacher, group, student, classmates, past_lesson, signals):
    f = csv_file(
        [
            ["Group", "Date", "Phone", "Status", "Note"],
            [group.name, day(past_lesson).strftime("%d.%m.%Y"), local_phone(student), "Present", ""],
            [str(group.pk), day(past_lesson).isoformat(), classmates[0].phone.lstrip("+"), "absent", "ill"],
        ],
        sep=";",
    )
    resp = api(teacher).upload(URL, {"file": f})
    assert resp.status_code == 200, resp.content
    data = resp.json()
    assert data["applied"] is True
    assert data["summary"] == {
        "total": 2,
        "valid": 2,
        "invalid": 0,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
    }
    assert [r["row"] for r in data["rows"]] == [2, 3]
    recs = dict(AttendanceRecord.objects.filter(lesson=past_lesson).values_list("student_id", "status"))
    assert recs == {student.pk: "present", classmates[0].pk: "absent"}
    assert set(AttendanceChange.objects.values_list("source", flat=True)) == {"import"}
    assert len(signals["attendance_marked"]) == 1  # one lesson, one signal


def test_xlsx_import_by_lesson_and_student_id(api, admin, lessons, student):
    f = xlsx_file(
        [
            ["lesson_id", "student_id", "status"],
            [lessons[0].pk, student.pk, "late"],
            [lessons[1].pk, student.pk, "excused"],
        ]
    )
    resp = api(admin).upload(URL, {"file": f})
    assert resp.status_code == 200, resp.content
    assert resp.json()["summary"]["created"] == 2
    assert AttendanceRecord.objects.filter(student=student).count() == 2


def test_xlsx_phone_number_cells_and_dates(api, teacher, group, student, past_lesson):
    from datetime import datetime

    when = datetime.combine(day(past_lesson), datetime.min.time())
    f = xlsx_file(
        [
            ["group", "date", "student phone", "status"],
            [group.name, when, int(student.phone.lstrip("+")), "present"],
        ]
    )
    resp = api(teacher).upload(URL, {"file": f})
    assert resp.status_code == 200, resp.content
    assert AttendanceRecord.objects.get(lesson=past_lesson, student=student).status == "present"


@pytest.mark.parametrize("maker", ["csv", "xlsx"])
def test_a_bad_row_applies_nothing_and_reports_every_row(api, teacher, student, outsider, past_lesson, maker):
    rows = [
        ["lesson_id", "student_id", "status"],
        [past_lesson.pk, student.pk, "present"],
        [past_lesson.pk, outsider.pk, "present"],
        [past_lesson.pk, student.pk, "asleep"],
        [999999, student.pk, "present"],
    ]
    f = csv_file([[str(c) for c in r] for r in rows]) if maker == "csv" else xlsx_file(rows)
    resp = api(teacher).upload(URL, {"file": f})
    assert resp.status_code == 422
    body = resp.json()
    assert body["code"] == "import_rows_invalid"
    assert body["applied"] is False
    assert [(r["row"], r["ok"]) for r in body["rows"]] == [(2, True), (3, False), (4, False), (5, False)]
    assert "not on the roster" in body["rows"][1]["errors"][0]
    assert "status must be one of" in body["rows"][2]["errors"][0]
    assert "lesson 999999 not found" in body["rows"][3]["errors"][0]
    assert [d["loc"] for d in body["detail"]] == [["file", "row", 3], ["file", "row", 4], ["file", "row", 5]]
    assert not AttendanceRecord.objects.exists()


def test_partial_applies_the_good_rows(api, teacher, student, outsider, past_lesson):
    f = csv_file(
        [
            ["lesson_id", "student_id", "status"],
            [str(past_lesson.pk), str(student.pk), "present"],
            [str(past_lesson.pk), str(outsider.pk), "present"],
        ]
    )
    resp = api(teacher).upload(URL, {"file": f, "partial": "true"})
    assert resp.status_code == 200
    body = resp.json()
    assert (body["applied"], body["partial"]) == (True, True)
    assert [r["result"] for r in body["rows"]] == ["created", "skipped"]
    assert AttendanceRecord.objects.filter(lesson=past_lesson).count() == 1


def test_dry_run_reports_without_applying(api, teacher, student, past_lesson):
    f = csv_file([["lesson_id", "student_id", "status"], [str(past_lesson.pk), str(student.pk), "present"]])
    resp = api(teacher).upload(URL, {"file": f, "dry_run": "true"})
    assert resp.status_code == 200
    assert resp.json()["applied"] is False and resp.json()["rows"][0]["ok"] is True
    assert not AttendanceRecord.objects.exists()


def test_reimport_reports_unchanged_and_updated(api, teacher, student, classmates, past_lesson):
    lines = [
        ["lesson_id", "student_id", "status"],
        [str(past_lesson.pk), str(student.pk), "present"],
        [str(past_lesson.pk), str(classmates[0].pk), "absent"],
    ]
    api(teacher).upload(URL, {"file": csv_file(lines)})
    lines[2][2] = "late"
    resp = api(teacher).upload(URL, {"file": csv_file(lines)})
    assert [r["result"] for r in resp.json()["rows"]] == ["unchanged", "updated"]


def test_teacher_rows_for_other_groups_or_old_lessons_are_errors(api, teacher, student, group, other_group):
    foreign = other_group.lessons.first()
    old = LessonFactory(group=group, starts_at=timezone.now() - timedelta(days=10))
    f = csv_file(
        [
            ["lesson_id", "student_id", "status"],
            [str(foreign.pk), str(student.pk), "present"],
            [str(old.pk), str(student.pk), "present"],
        ]
    )
    body = api(teacher).upload(URL, {"file": f}).json()
    assert f"lesson {foreign.pk} not found" in body["rows"][0]["errors"][0]
    assert "days after the lesson" in body["rows"][1]["errors"][0]


def test_duplicate_rows_and_ambiguous_dates(api, admin, group, student, past_lesson):
    LessonFactory(group=group, starts_at=past_lesson.starts_at + timedelta(hours=3))
    f = csv_file(
        [
            ["group", "date", "student_id", "status"],
            [str(group.pk), day(past_lesson).isoformat(), str(student.pk), "present"],
            ["no such group", day(past_lesson).isoformat(), str(student.pk), "present"],
        ]
    )
    rows = api(admin).upload(URL, {"file": f}).json()["rows"]
    assert "2 lessons on" in rows[0]["errors"][0]
    assert "not found" in rows[1]["errors"][0]
    g = csv_file(
        [
            ["lesson_id", "student_id", "status"],
            [str(past_lesson.pk), str(student.pk), "present"],
            [str(past_lesson.pk), str(student.pk), "absent"],
        ]
    )
    rows = api(admin).upload(URL, {"file": g}).json()["rows"]
    assert rows[0]["ok"] and "appears twice" in rows[1]["errors"][0]


def test_bad_files(api, admin):
    png = SimpleUploadedFile("a.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    assert api(admin).upload(URL, {"file": png}).status_code == 415
    no_status = csv_file([["lesson_id", "student_id"], ["1", "2"]])
    assert api(admin).upload(URL, {"file": no_status}).status_code == 422
    assert api(admin).upload(URL, {}).status_code == 422
    header_only = csv_file([["lesson_id", "student_id", "status"]])
    assert api(admin).upload(URL, {"file": header_only}).status_code == 422


@pytest.mark.parametrize("persona", ["student", "parent", "outsider"])
def test_only_staff_may_import(api, request, persona):
    f = csv_file([["lesson_id", "student_id", "status"], ["1", "1", "present"]])
    assert api(request.getfixturevalue(persona)).upload(URL, {"file": f}).status_code == 403
    assert api().upload(URL, {"file": f}).status_code == 401

from __future__ import annotations

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections

from modules.attendance import services
from modules.attendance.models import AttendanceChange, AttendanceRecord
from modules.lessons.models import Lesson


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_bulk_marks_serialize_on_the_lesson_lock(
    teacher, admin, student, classmates, past_lesson, signals
):
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def mark(actor, status):
        try:
            barrier.wait(timeout=10)
            records = [{"student_id": s.pk, "status": status} for s in (student, *classmates)]
            services.attendance_mark_bulk(
                lesson=Lesson.objects.get(pk=past_lesson.pk), actor=actor, records=records
            )
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=mark, args=(actor, status))
        for actor, status in ((teacher, "present"), (admin, "absent"), (teacher, "late"), (admin, "excused"))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    assert AttendanceRecord.objects.filter(lesson=past_lesson).count() == 3  # never a duplicate
    # every mark changed all three records: 3 creations + 3 x 3 changes, each in the history
    assert AttendanceChange.objects.filter(record__lesson=past_lesson).count() == 12
    assert Lesson.objects.get(pk=past_lesson.pk).status == "completed"
    assert len([c for c in signals["lesson_changed"] if c["change"] == "completed"]) == 1


def test_admin_pages_render(admin, past_lesson, student, client):
    services.attendance_mark_bulk(
        lesson=past_lesson, actor=admin, records=[{"student_id": student.pk, "status": "late"}]
    )
    client.force_login(admin)
    record = AttendanceRecord.objects.get()
    for url in (
        "/admin/attendance/attendancerecord/",
        f"/admin/attendance/attendancerecord/{record.pk}/change/",
        "/admin/attendance/attendancechange/",
        "/admin/resources/resource/",
    ):
        assert client.get(url).status_code == 200, url
    assert client.get("/admin/attendance/attendancerecord/add/").status_code == 403


def test_history_rows_cannot_be_rewritten(admin, past_lesson, student):
    services.attendance_mark_bulk(
        lesson=past_lesson, actor=admin, records=[{"student_id": student.pk, "status": "late"}]
    )
    change = AttendanceChange.objects.get()
    change.after_status = "present"
    with pytest.raises(ValueError):
        change.save()
    with pytest.raises(ValueError):
        change.delete()


def test_import_larger_than_the_upload_limit_is_413(api, admin):
    from modules.center.selectors import get_system_settings, invalidate_system_settings

    s = get_system_settings()
    type(s).objects.filter(pk=s.pk).update(max_upload_mb=1)
    invalidate_system_settings()
    big = SimpleUploadedFile("a.csv", b"lesson_id,student_id,status\n" + b"1,1,present\n" * 100_000)
    resp = api(admin).upload("/attendance/import", {"file": big})
    assert (resp.status_code, resp.json()["code"]) == (413, "payload_too_large")

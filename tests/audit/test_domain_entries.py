"""Domain actions through the real endpoints leave a named entry beside the field-level ones."""

from __future__ import annotations

import pytest

from modules.audit.models import AuditLog
from tests.factories.courses import make_group_with_students

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(teacher, student):
    return make_group_with_students(teacher, [student], lessons=2)


def test_cancelling_a_lesson(api, admin, group):
    lesson = group.lessons.order_by("starts_at").last()
    r = api(admin).post(f"/lessons/{lesson.pk}/cancel", {"reason": "teacher is ill"})
    assert r.status_code == 200, r.json()
    named = AuditLog.objects.get(action="lesson.cancelled")
    assert (named.object_type, named.object_id) == ("lessons.lesson", str(lesson.pk))
    assert named.actor_id == admin.pk
    assert named.changes == {"reason": "teacher is ill"}
    update = AuditLog.objects.get(action="update", object_type="lessons.lesson", object_id=str(lesson.pk))
    assert update.changes["status"] == ["scheduled", "cancelled"]


def test_marking_attendance(api, teacher, student, group):
    lesson = group.lessons.order_by("starts_at").first()
    r = api(teacher).put(
        f"/lessons/{lesson.pk}/attendance", {"records": [{"student_id": student.pk, "status": "late"}]}
    )
    assert r.status_code == 200, r.json()
    named = AuditLog.objects.get(action="attendance.marked")
    assert named.object_id == str(lesson.pk) and named.actor_id == teacher.pk
    [change] = named.changes["records"]
    assert change["student_id"] == student.pk and change["after"] == "late"

"""A student's own mark, or a parent's children's marks, on each lesson of a page: the lessons
list and detail show them (`my_attendance`, `children_attendance`) through the loader registered
with modules.lessons.viewer. One query for the whole page; none for staff."""

from __future__ import annotations

from typing import Any

from modules.accounts.models import User
from modules.attendance.models import AttendanceRecord


def viewer_attendance(viewer: User, lesson_ids: list[int]) -> dict[str, dict[int, Any]]:
    if viewer.role == User.Role.STUDENT:
        records = AttendanceRecord.objects.filter(lesson_id__in=lesson_ids, student=viewer)
        rows = records.values("lesson_id", "status", "note")
        return {"my_attendance": {r["lesson_id"]: {"status": r["status"], "note": r["note"]} for r in rows}}
    if viewer.role == User.Role.PARENT:
        records = AttendanceRecord.objects.filter(
            lesson_id__in=lesson_ids, student__in=viewer.children.values("pk")
        ).order_by("lesson_id", "student_id")
        children: dict[int, list[dict]] = {pk: [] for pk in lesson_ids}
        for r in records.values("lesson_id", "student_id", "status", "note"):
            children[r.pop("lesson_id")].append(r)
        return {"children_attendance": children}
    return {}

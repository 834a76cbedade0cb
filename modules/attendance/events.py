"""Real-time events of the attendance module (sent after commit by realtime.publish_on_commit).

Audiences: a lesson's full sheet (names, phones, statuses, the teacher's notes) goes only to staff,
on `group_staff:<id>`, `dashboard` and the branch's `dashboard:<branch id>`. The group's own channel is heard by every student and parent
of the group, so it carries only the fact that the sheet changed (`records` is empty); a student or
parent then reads GET /lessons/{id}/attendance, which shows them their own line."""

from __future__ import annotations

from realtime import publish_on_commit
from realtime.groups import dashboard_channels, group_channel, group_staff_channel

ATTENDANCE_UPDATED = "attendance.updated"


def _row_data(row) -> dict:
    """AttendanceRecordOut's JSON form, built directly: this runs for every marked student, and
    schema validation of objects we built ourselves is pure overhead (a test checks the shapes agree)."""
    student = row.student
    return {
        "student": {
            "id": student.pk,
            "first_name": student.first_name,
            "last_name": student.last_name,
            "phone": student.phone,
        },
        "status": row.status,
        "note": row.note,
        "record_id": row.record_id,
        "marked_by_id": row.marked_by_id,
        "marked_at": row.marked_at.isoformat() if row.marked_at else None,
        "on_roster": row.on_roster,
    }


def attendance_updated(*, lesson, rows) -> None:
    """`rows`: the records that changed, as AttendanceRecordOut-shaped objects."""
    signal = {"lesson_id": lesson.pk, "group_id": lesson.group_id, "records": []}
    sheet = {**signal, "records": [_row_data(row) for row in rows]}
    publish_on_commit(channel=group_channel(lesson.group_id), type=ATTENDANCE_UPDATED, data=signal)
    staff = [group_staff_channel(lesson.group_id), *dashboard_channels(lesson.group.branch_id)]
    for channel in staff:
        publish_on_commit(channel=channel, type=ATTENDANCE_UPDATED, data=sheet)

"""Real-time events of the attendance module (sent after commit by realtime.publish_on_commit).

Audiences: a lesson's full sheet (names, phones, statuses, the teacher's notes) goes only to staff,
on `group_staff:<id>`, `dashboard` and the branch's `dashboard:<branch id>`. The group's own channel is heard by every student and parent
of the group, so it carries only the fact that the sheet changed (`records` is empty); a student or
parent then reads GET /lessons/{id}/attendance, which shows them their own line."""

from __future__ import annotations

from pydantic import BaseModel, Field

from modules.attendance.schemas import AttendanceRecordOut
from realtime import event_type, publish_on_commit
from realtime.groups import dashboard_channels, group_channel, group_staff_channel


class AttendanceUpdatedData(BaseModel):
    lesson_id: int
    group_id: int
    records: list[AttendanceRecordOut] = Field(
        description="the changed lines (staff channels); always empty on the group's own channel"
    )


ATTENDANCE_UPDATED = event_type(
    "attendance.updated",
    AttendanceUpdatedData,
    channels=("group", "group_staff", "dashboard"),
    summary="attendance of a lesson changed: the changed lines to staff, only the fact to the group",
)


def attendance_updated(*, lesson, rows) -> None:
    """`rows`: the records that changed, as AttendanceRecordOut-shaped objects."""
    signal = AttendanceUpdatedData(lesson_id=lesson.pk, group_id=lesson.group_id, records=[])
    sheet = AttendanceUpdatedData(
        lesson_id=lesson.pk,
        group_id=lesson.group_id,
        records=[AttendanceRecordOut.from_orm(row) for row in rows],
    )
    publish_on_commit(channel=group_channel(lesson.group_id), type=ATTENDANCE_UPDATED.name, data=signal)
    staff = [group_staff_channel(lesson.group_id), *dashboard_channels(lesson.group.branch_id)]
    for channel in staff:
        publish_on_commit(channel=channel, type=ATTENDANCE_UPDATED.name, data=sheet)

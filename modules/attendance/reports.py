"""Attendance reports (reads only): per student, per lesson, per group (students x lessons).

rate = (present + late) / (present + late + absent); excused lessons are left out of it, unmarked
ones too. The current absence streak counts the latest consecutive absences, skipping excused."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from modules.accounts.models import User
from modules.attendance.models import AttendanceRecord
from modules.attendance.selectors import STATUSES, attendance_rate
from modules.courses.branches import report_branches
from modules.courses.models import Group, Membership
from modules.courses.selectors import on_roster
from modules.lessons.models import Lesson
from modules.lessons.selectors import lessons_visible_to

UNMARKED = "unmarked"


def _local_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def _in_range(field: str, date_from: date | None, date_to: date | None) -> Q:
    q = Q()
    if date_from:
        q &= Q(**{f"{field}__gte": _local_start(date_from)})
    if date_to:
        q &= Q(**{f"{field}__lt": _local_start(date_to + timedelta(days=1))})
    return q


def _summary(statuses) -> dict:
    counts = {s: 0 for s in STATUSES}
    unmarked = 0
    for status in statuses:
        if status == UNMARKED:
            unmarked += 1
        elif status is not None:
            counts[status] += 1
    return {**counts, "unmarked": unmarked, "rate": attendance_rate(counts)}


def absence_streak(statuses_oldest_first: list[str]) -> int:
    streak = 0
    for status in reversed(statuses_oldest_first):
        if status == "absent":
            streak += 1
        elif status != "excused":
            break
    return streak


def student_report(
    *,
    viewer: User,
    student: User,
    date_from: date | None,
    date_to: date | None,
    group_id: int | None = None,
    branch: int | None = None,
) -> dict:
    """The student's records in lessons `viewer` may see; `branch` narrows to one branch's groups
    (a branch admin's report covers their branches only, through the lessons they see)."""
    branches = report_branches(viewer, branch)
    records = (
        AttendanceRecord.objects.filter(student=student, lesson__in=lessons_visible_to(viewer))
        .filter(_in_range("lesson__starts_at", date_from, date_to))
        .select_related("lesson__group")
        .order_by("lesson__starts_at", "lesson_id")
    )
    if group_id is not None:
        records = records.filter(lesson__group_id=group_id)
    if branches is not None:
        records = records.filter(lesson__group__branch_id__in=branches)
    records = list(records)
    statuses = [r.status for r in records]
    return {
        "student": student,
        "date_from": date_from,
        "date_to": date_to,
        "summary": _summary(statuses),
        "current_absence_streak": absence_streak(statuses),
        "records": [
            {
                "lesson_id": r.lesson_id,
                "group_id": r.lesson.group_id,
                "group_name": r.lesson.group.name,
                "starts_at": r.lesson.starts_at,
                "status": r.status,
                "note": r.note,
                "made_up_by_lesson_id": r.made_up_by_id,
            }
            for r in records
        ],
    }


def group_report(*, group: Group, date_from: date | None, date_to: date | None) -> dict:
    """The students x lessons matrix: each cell a status, "unmarked" (on the roster, no record) or
    null (not on the roster that day). Five queries whatever the size."""
    date_from = date_from or group.start_date
    date_to = date_to or timezone.localdate()
    lessons = list(
        Lesson.objects.filter(group=group)
        .exclude(status=Lesson.Status.CANCELLED)
        .filter(_in_range("starts_at", date_from, date_to))
        .order_by("starts_at", "id")
        .only("id", "starts_at", "status", "group_id")
    )
    days = [timezone.localtime(lesson.starts_at).date() for lesson in lessons]
    marks = {
        (lesson_id, student_id): status
        for lesson_id, student_id, status in AttendanceRecord.objects.filter(lesson__in=lessons).values_list(
            "lesson_id", "student_id", "status"
        )
    }
    memberships = defaultdict(list)
    for m in Membership.objects.filter(group=group).select_related("student").prefetch_related("freezes"):
        memberships[m.student_id].append(m)
    marked_ids = {student_id for _, student_id in marks}
    rows = []
    for student_id, ms in memberships.items():
        cells = [
            marks.get((lesson.pk, student_id)) or (UNMARKED if any(on_roster(m, day) for m in ms) else None)
            for lesson, day in zip(lessons, days, strict=True)
        ]
        if student_id in marked_ids or any(c is not None for c in cells):
            rows.append({"student": ms[0].student, "summary": _summary(cells), "cells": cells})
    rows.sort(key=lambda r: (r["student"].last_name, r["student"].first_name, r["student"].pk))
    columns = list(zip(*(r["cells"] for r in rows), strict=True)) if rows else [() for _ in lessons]
    return {
        "group_id": group.pk,
        "group_name": group.name,
        "date_from": date_from,
        "date_to": date_to,
        "lessons": [
            {
                "id": lesson.pk,
                "starts_at": lesson.starts_at,
                "status": lesson.status,
                "summary": _summary(col),
            }
            for lesson, col in zip(lessons, columns, strict=True)
        ],
        "students": rows,
        "summary": _summary([c for r in rows for c in r["cells"]]),
    }

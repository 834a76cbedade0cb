"""Attendance: bulk mark of 30 students (queries and p50), the group report for 30 students x 100
lessons, and an import of 5,000 CSV rows. Everything runs inside one transaction that is rolled back at
the end, so the database is left as it was (the services' own transactions become savepoints, which
are not counted as queries). Other modules' receivers are detached for the budgeted figures, as they
measure attendance's own work; one extra row shows a bulk mark with every receiver connected."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tests.benchmarks import Result, p50, timed

STUDENTS = 30
REPORT_LESSONS = 100
IMPORT_ROWS = 5000


class _Rollback(Exception):
    pass


@contextmanager
def _receivers_detached():
    from modules.attendance.signals import attendance_marked
    from modules.lessons.signals import lesson_changed

    saved = [(sig, sig.receivers[:]) for sig in (attendance_marked, lesson_changed)]
    for sig, _ in saved:
        sig.receivers = []
        sig.sender_receivers_cache.clear()
    try:
        yield
    finally:
        for sig, receivers in saved:
            sig.receivers = receivers
            sig.sender_receivers_cache.clear()


def _group(tag: str, lessons: int, phone_block: int):
    from modules.accounts.models import User
    from modules.courses.models import Membership
    from modules.lessons.models import Lesson
    from tests.factories.accounts import AdminFactory
    from tests.factories.courses import GroupFactory, local_dt, local_today

    students = User.objects.bulk_create(
        User(
            phone=f"+99898{phone_block}{i:06d}",
            first_name=f"Bench{i}",
            last_name=tag,
            role="student",
            password="!",
        )
        for i in range(STUDENTS)
    )
    first = local_today() - timedelta(days=lessons + 1)
    group = GroupFactory(name=f"Bench attendance {tag}", start_date=first)
    Membership.objects.bulk_create(
        Membership(group=group, student=s, joined_on=first, status="active") for s in students
    )
    Lesson.objects.bulk_create(
        Lesson(
            group=group,
            teacher=group.teacher,
            starts_at=local_dt(first + timedelta(days=i)),
            ends_at=local_dt(first + timedelta(days=i)) + timedelta(minutes=90),
            original_starts_at=local_dt(first + timedelta(days=i)),
        )
        for i in range(lessons)
    )
    admin = AdminFactory(phone=f"+99898{phone_block}999999", email=None)
    return group, students, list(group.lessons.order_by("starts_at")), admin


def _queries(ctx) -> int:
    return sum(1 for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"])


def _bench_bulk(results: list[Result]) -> None:
    from modules.attendance.services import attendance_mark_bulk
    from modules.center.selectors import get_system_settings

    group, students, lessons, admin = _group("bulk", 60, 1)
    get_system_settings()
    statuses = ["present", "absent", "late", "excused"]
    times, queries = [], []
    for i, lesson in enumerate(lessons[:40]):
        for round_ in range(2):  # a first mark (inserts, completes the lesson), then a full re-mark
            records = [
                {"student_id": s.pk, "status": statuses[(j + i + round_) % 4]} for j, s in enumerate(students)
            ]
            with CaptureQueriesContext(connection) as ctx:
                times += timed(
                    lambda records=records, lesson=lesson: attendance_mark_bulk(
                        lesson=lesson, actor=admin, records=records
                    )
                )
            queries.append(_queries(ctx))
    results.append(
        Result("attendance: bulk mark 30 students, queries", f"max {max(queries)}", "<= 8", max(queries) <= 8)
    )
    results.append(
        Result("attendance: bulk mark 30 students", f"p50 {p50(times):.1f} ms", "< 40 ms", p50(times) < 40)
    )
    return lessons[40:], students, admin


def _bench_bulk_with_receivers(results, lessons, students, admin) -> None:
    from modules.attendance.services import attendance_mark_bulk

    times, queries = [], []
    for lesson in lessons[:10]:
        records = [{"student_id": s.pk, "status": "present"} for s in students]
        with CaptureQueriesContext(connection) as ctx:
            times += timed(
                lambda records=records, lesson=lesson: attendance_mark_bulk(
                    lesson=lesson, actor=admin, records=records
                )
            )
        queries.append(_queries(ctx))
    results.append(
        Result(
            "attendance: bulk mark 30, all receivers connected (info)",
            f"p50 {p50(times):.1f} ms, {max(queries)} queries",
            "-",
            None,
        )
    )


def _bench_group_report(results: list[Result]) -> None:
    from django.utils import timezone

    from modules.attendance.models import AttendanceRecord
    from modules.attendance.reports import group_report

    group, students, lessons, admin = _group("report", REPORT_LESSONS, 2)
    statuses = ["present", "present", "late", "absent", "excused"]
    now = timezone.now()
    AttendanceRecord.objects.bulk_create(
        AttendanceRecord(
            lesson=lesson, student=s, status=statuses[(i * 7 + j) % 5], marked_by=admin, marked_at=now
        )
        for i, lesson in enumerate(lessons)
        for j, s in enumerate(students)
    )
    report = group_report(group=group, date_from=None, date_to=None)
    assert len(report["lessons"]) == REPORT_LESSONS and len(report["students"]) == STUDENTS
    times = timed(lambda: group_report(group=group, date_from=None, date_to=None), repeat=20)
    results.append(
        Result("attendance: group report 30 x 100", f"p50 {p50(times):.1f} ms", "< 150 ms", p50(times) < 150)
    )


def _bench_import(results: list[Result]) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from modules.attendance.importer import attendance_import

    per_lesson = STUDENTS
    group, students, lessons, admin = _group("import", IMPORT_ROWS // per_lesson + 1, 3)
    lines = ["lesson_id,phone,status"]
    statuses = ["present", "absent", "late", "excused"]
    for i in range(IMPORT_ROWS):
        lesson, s = lessons[i // per_lesson], students[i % per_lesson]
        d = s.phone.removeprefix("+998")
        lines.append(f"{lesson.pk},{d[:2]} {d[2:5]}-{d[5:7]}-{d[7:]},{statuses[i % 4]}")
    data = "\n".join(lines).encode()
    elapsed = timed(lambda: attendance_import(upload=SimpleUploadedFile("a.csv", data), actor=admin))
    results.append(
        Result("attendance: import 5,000 CSV rows", f"{elapsed[0] / 1000:.2f} s", "< 5 s", elapsed[0] < 5000)
    )


def run(ctx) -> list[Result]:
    results: list[Result] = []
    try:
        with transaction.atomic():
            with _receivers_detached():
                rest, students, admin = _bench_bulk(results)
                _bench_group_report(results)
                _bench_import(results)
            _bench_bulk_with_receivers(results, rest, students, admin)
            raise _Rollback
    except _Rollback:
        pass
    return results

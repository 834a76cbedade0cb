"""Attendance: bulk mark of 30 students (queries and p50), the group report for 30 students x 100
lessons, and an import of 5,000 CSV rows. Everything runs inside one transaction that is rolled back at
the end, so the database is left as it was (the services' own transactions become savepoints, which
are not counted as queries). The service-level rows detach other modules' receivers (attendance's own
work); the issue-15 rows run with every receiver connected and the ORM broker's outbox rows written as
in production (Q_CLUSTER sync off), counting every statement, SAVEPOINTs included: the PUT through
the API, and the gamification task that the mark queued."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
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


def _all_statements(ctx) -> int:
    return len(ctx.captured_queries)


def _bench_api_with_receivers(results, lessons, students, admin) -> None:
    """PUT /lessons/{id}/attendance for 30 students, every receiver connected: the request does its
    own work, one audit entry and one outbox row per interested module."""
    from django.test import Client, override_settings

    from core.auth import issue_access_token

    client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_AUTHORIZATION=f"Bearer {issue_access_token(admin)}")
    statuses = ["present", "absent", "late", "excused"]
    times, queries = [], []
    with override_settings(Q_CLUSTER={**settings.Q_CLUSTER, "sync": False}):
        for i, lesson in enumerate(lessons[:10]):
            for round_ in range(2):
                body = {
                    "records": [
                        {"student_id": s.pk, "status": statuses[(j + i + round_) % 4]}
                        for j, s in enumerate(students)
                    ]
                }
                with CaptureQueriesContext(connection) as ctx:
                    times += timed(
                        lambda body=body, lesson=lesson: _put(
                            client, f"/api/v1/lessons/{lesson.pk}/attendance", body
                        )
                    )
                queries.append(_all_statements(ctx))
    results.append(
        Result(
            "attendance: PUT 30 students via API, all receivers, statements (SAVEPOINTs counted)",
            f"max {max(queries)}",
            "<= 15",
            max(queries) <= 15,
        )
    )
    results.append(
        Result(
            "attendance: PUT 30 students via API, all receivers",
            f"p50 {p50(times):.1f} ms",
            "< 40 ms",
            p50(times) < 40,
        )
    )
    _bench_gamification_task(results, lessons[:10], students, admin)


def _put(client, url, body):
    response = client.put(url, body, content_type="application/json")
    assert response.status_code == 200, response.content


def _bench_gamification_task(results, lessons, students, admin) -> None:
    """The task each of those marks queued: coins, marks, streaks for 30 students, then a rerun. The
    task's body in a (non-durable) atomic, since the benchmark runs inside a rolled-back transaction:
    its SAVEPOINT and RELEASE are counted, where in the worker they are BEGIN and COMMIT."""
    from modules.gamification import services

    def apply_attendance(lesson_id, student_ids, actor_id):
        with transaction.atomic():
            return services.attendance_apply(lesson_id=lesson_id, student_ids=student_ids, actor_id=actor_id)

    ids = [s.pk for s in students]
    first, again, times = [], [], []
    for lesson in lessons:
        with CaptureQueriesContext(connection) as ctx:
            times += timed(lambda lesson=lesson: apply_attendance(lesson.pk, ids, admin.pk))
        first.append(_all_statements(ctx))
        with CaptureQueriesContext(connection) as ctx:
            written = apply_attendance(lesson.pk, ids, admin.pk)
        again.append((_all_statements(ctx), written))
    results.append(
        Result(
            "gamification task for a 30-student mark, statements (first run / rerun)",
            f"max {max(first)} / {max(q for q, _ in again)}, rerun wrote {sum(w for _, w in again)} rows",
            "<= 15, rerun 0 rows",
            max(first) <= 15 and max(q for q, _ in again) <= 15 and not any(w for _, w in again),
        )
    )
    results.append(Result("gamification task for a 30-student mark", f"p50 {p50(times):.1f} ms", "-", None))


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
            _bench_api_with_receivers(results, rest, students, admin)
            raise _Rollback
    except _Rollback:
        pass
    return results

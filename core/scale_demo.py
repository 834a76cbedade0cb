"""The activity half of the large demo center behind `seed_demo --students N`. The courses and
lessons seeds create the people, 500 groups of 20 and a 26-week term of lessons (modules/courses/
seed_scale.py); this adds what a term leaves behind: attendance for every past lesson, homework with
reviewed submissions, three months of invoices, a coin ledger and the leaderboards.

Loaded in bulk (COPY on Postgres, bulk_create elsewhere): this is data loading, not school activity, so
no per-row signals, services or events. Idempotent: a second run finds attendance and stops."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.utils import timezone

from modules.attendance.models import AttendanceRecord
from modules.courses.models import Group, Membership
from modules.courses.seed_scale import SCALE_PREFIX
from modules.gamification.models import CoinTransaction, StudentCoin
from modules.homework.models import Homework, Submission
from modules.lessons.models import Lesson
from modules.payments.models import Payment

BATCH = 5000


def build(stdout, students: int) -> None:
    groups = list(Group.objects.filter(name__startswith=SCALE_PREFIX))
    if not groups:
        stdout.write("  no scale groups: the courses seed makes them")
        return
    if AttendanceRecord.objects.filter(lesson__group__name__startswith=SCALE_PREFIX).exists():
        stdout.write("  scale activity already present")
        return
    rng = random.Random(7)
    now = timezone.now()
    lessons_by_group: dict[int, list[Lesson]] = {}
    for lesson in (
        Lesson.objects.filter(group__in=groups)
        .order_by("starts_at")
        .only("id", "group_id", "starts_at", "ends_at")
    ):
        lessons_by_group.setdefault(lesson.group_id, []).append(lesson)
    Lesson.objects.filter(group__in=groups, ends_at__lt=now, status=Lesson.Status.SCHEDULED).update(
        status=Lesson.Status.COMPLETED
    )
    stdout.write(f"  {_attendance(groups, lessons_by_group, now, rng)} attendance records")
    stdout.write(f"  {_homework(groups, lessons_by_group, now, rng)} homework submissions")
    stdout.write(f"  {_invoices(groups, timezone.localdate(), rng)} invoices")
    stdout.write(f"  {_coins()} coin transactions")
    from modules.gamification.tasks import update_leaderboards

    update_leaderboards([g.pk for g in groups])
    stdout.write("  leaderboards ranked")


def _bulk(model, objs, **kw):
    return model.objects.bulk_create(objs, batch_size=BATCH, **kw)


def _copy(model, columns: list[str], rows) -> int:
    """Insert plain tuples: COPY on Postgres (about 10x bulk_create), bulk_create elsewhere."""
    if connection.vendor != "postgresql":
        attnames = [model._meta.get_field(c).attname for c in columns]
        return len(_bulk(model, [model(**dict(zip(attnames, row, strict=True))) for row in rows]))
    count = 0
    table = model._meta.db_table
    cols = ", ".join(model._meta.get_field(c).column for c in columns)
    with (
        connection.cursor() as cursor,
        cursor.connection.cursor().copy(f"COPY {table} ({cols}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def _members(groups) -> dict[int, list[int]]:
    members: dict[int, list[int]] = {}
    for gid, sid in Membership.objects.filter(group__in=groups).values_list("group_id", "student_id"):
        members.setdefault(gid, []).append(sid)
    return members


def _attendance(groups, lessons_by_group, now, rng) -> int:
    members = _members(groups)
    statuses = ["present"] * 16 + ["late"] * 2 + ["absent", "excused"]

    def rows():
        for group in groups:
            for lesson in lessons_by_group[group.pk]:
                if lesson.ends_at >= now:
                    continue
                for sid in members.get(group.pk, []):
                    yield (
                        lesson.pk,
                        sid,
                        rng.choice(statuses),
                        "",
                        group.teacher_id,
                        lesson.ends_at,
                        lesson.ends_at,
                        lesson.ends_at,
                    )

    columns = ["lesson", "student", "status", "note", "marked_by", "marked_at", "created_at", "updated_at"]
    return _copy(AttendanceRecord, columns, rows())


def _homework(groups, lessons_by_group, now, rng) -> int:
    members = _members(groups)
    homework = []
    for group in groups:
        past = [lesson for lesson in lessons_by_group[group.pk] if lesson.ends_at < now][
            -12::3
        ]  # 4 per group
        for lesson in past:
            homework.append(
                Homework(
                    group=group,
                    lesson=lesson,
                    title=f"Reading {lesson.starts_at:%d %b}",
                    kind=Homework.Kind.TEXT,
                    reference_text="The quick brown fox jumps over the lazy dog",
                    due_at=lesson.starts_at + timedelta(days=2),
                    max_score=100,
                    created_by_id=group.teacher_id,
                )
            )
    homework = _bulk(Homework, homework)
    subs = []
    for hw in homework:
        for sid in members.get(hw.group_id, []):
            if rng.random() < 0.85:
                score = rng.randint(40, 100)
                subs.append(
                    Submission(
                        homework=hw,
                        student_id=sid,
                        text="The quick brown fox jumps over the dog",
                        submitted_at=hw.due_at - timedelta(hours=rng.randint(1, 40)),
                        status=Submission.Status.REVIEWED,
                        score=score,
                        auto_score=score,
                        reviewed_by_id=hw.created_by_id,
                        reviewed_at=hw.due_at,
                    )
                )
    return len(_bulk(Submission, subs))


def _invoices(groups, today: date, rng) -> int:
    price = {g.pk: g.monthly_price for g in groups}
    months = [(today.replace(day=1) - timedelta(days=31 * k)).replace(day=1) for k in (2, 1, 0)]
    objs = []
    for gid, sid in Membership.objects.filter(group__in=groups).values_list("group_id", "student_id"):
        for period in months:
            due = period.replace(day=5)
            if due < today - timedelta(days=20) or rng.random() < 0.7:
                status, paid_at = Payment.Status.PAID, timezone.make_aware(datetime.combine(due, time(12)))
            else:
                status, paid_at = (Payment.Status.OVERDUE if due < today else Payment.Status.PENDING), None
            objs.append(
                Payment(
                    student_id=sid,
                    group_id=gid,
                    amount=price[gid],
                    period=period,
                    due_date=due,
                    status=status,
                    paid_at=paid_at,
                    method="cash" if paid_at else "",
                    description=f"Tuition {period:%B %Y}",
                )
            )
    return len(_bulk(Payment, objs))


def _coins() -> int:
    """Coins for attendance (present 10, late 5), written straight from the attendance rows."""
    records = (
        AttendanceRecord.objects.filter(
            lesson__group__name__startswith=SCALE_PREFIX, status__in=["present", "late"]
        )
        .values_list("pk", "student_id", "lesson__group_id", "status", "marked_at")
        .iterator(chunk_size=20000)
    )
    rows = (
        (
            sid,
            gid,
            10 if status == "present" else 5,
            "attendance",
            "attendance",
            pk,
            f"scale:attendance:{pk}",
            "",
            at,
        )
        for pk, sid, gid, status, at in list(records)
    )
    columns = [
        "student",
        "group",
        "amount",
        "reason",
        "source_type",
        "source_id",
        "idempotency_key",
        "note",
        "created_at",
    ]
    total = _copy(CoinTransaction, columns, rows)
    _balances()
    return total


def _balances() -> None:
    from django.db.models import Sum

    sums = (
        CoinTransaction.objects.filter(idempotency_key__startswith="scale:")
        .values("student_id")
        .annotate(total=Sum("amount"))
    )
    _bulk(
        StudentCoin,
        [StudentCoin(student_id=row["student_id"], balance=row["total"]) for row in sums],
        update_conflicts=True,
        unique_fields=["student"],
        update_fields=["balance"],
    )

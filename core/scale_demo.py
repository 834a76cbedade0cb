"""The large demo center behind `seed_demo --students N` (benchmarks, load tests): N students in N/20
groups, N/250 teachers, a 26-week term of lessons (half past), attendance for past lessons, homework
with scored submissions, three months of invoices, a coin ledger and leaderboards.

Built with bulk_create in batches (no per-row signals, services or events: this is data loading, not
school activity), and idempotent: a second run finds the scale branch and stops."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from modules.accounts.models import User
from modules.attendance.models import AttendanceRecord
from modules.courses.models import Branch, Course, Group, LessonSchedule, Membership, Room
from modules.gamification.models import CoinTransaction, StudentCoin
from modules.homework.models import Homework, Submission
from modules.lessons.models import Lesson
from modules.payments.models import Payment

BRANCH = "Scale demo branch"
BATCH = 5000
STUDENTS_PER_GROUP = 20
TERM_WEEKS = 26
SLOT_HOURS = [8, 10, 12, 14, 16, 18, 20]
WEEKDAY_PATTERNS = [(0, 2, 4), (1, 3, 5)]


def build(stdout, students: int) -> None:
    if Branch.objects.filter(name=BRANCH).exists():
        stdout.write(f"  scale demo already present ({BRANCH})")
        return
    rng = random.Random(7)
    zone = ZoneInfo(settings.TIME_ZONE)
    today = timezone.localdate()
    term_start = today - timedelta(weeks=TERM_WEEKS // 2, days=today.weekday())
    with transaction.atomic():
        teachers, pupils = _people(students)
        groups = _groups(teachers, students, term_start)
        _memberships(groups, pupils, term_start)
    lessons_by_group = _lessons(groups, term_start, zone)
    stdout.write(
        f"  {len(pupils)} students, {len(teachers)} teachers, {len(groups)} groups, "
        f"{sum(len(v) for v in lessons_by_group.values())} lessons"
    )
    now = timezone.now()
    rows = _attendance(groups, lessons_by_group, now, rng)
    stdout.write(f"  {rows} attendance records")
    subs = _homework(groups, lessons_by_group, now, rng)
    stdout.write(f"  {subs} homework submissions")
    invoices = _invoices(groups, today, rng)
    stdout.write(f"  {invoices} invoices")
    coins = _coins()
    stdout.write(f"  {coins} coin transactions")
    from modules.gamification.tasks import update_leaderboards

    update_leaderboards([g.pk for g in groups])
    stdout.write("  leaderboards ranked")


def _bulk(model, objs, **kw):
    return model.objects.bulk_create(objs, batch_size=BATCH, **kw)


def _copy(model, columns: list[str], rows) -> int:
    """Insert plain tuples: COPY on Postgres (about 10x bulk_create), bulk_create elsewhere."""
    if connection.vendor != "postgresql":
        return len(_bulk(model, [model(**dict(zip(columns, row, strict=True))) for row in rows]))
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


def _people(students: int):
    password = make_password("demo-student-pass")
    teacher_count = max(4, students // 250)
    teachers = _bulk(
        User,
        [
            User(
                phone=f"+99898{i:07d}",
                email=f"teacher{i}@scale.markaz.uz",
                first_name=f"Teacher{i}",
                last_name="Scale",
                role=User.Role.TEACHER,
                password=password,
                language="uz",
            )
            for i in range(teacher_count)
        ],
    )
    pupils = _bulk(
        User,
        [
            User(
                phone=f"+99899{i:07d}",
                email=f"student{i}@scale.markaz.uz",
                first_name=f"Student{i}",
                last_name="Scale",
                role=User.Role.STUDENT,
                password=password,
                language="uz",
            )
            for i in range(students)
        ],
    )
    return teachers, pupils


def _groups(teachers, students: int, term_start: date):
    branch = Branch.objects.create(name=BRANCH, address="Tashkent")
    courses = _bulk(
        Course,
        [
            Course(name=f"{lang.upper()} {level}", level=level, monthly_price=price, language=lang)
            for lang, level, price in [
                ("en", "A1", 45000000),
                ("en", "B1", 55000000),
                ("ru", "A2", 40000000),
                ("en", "IELTS", 80000000),
                ("uz", "Math", 35000000),
            ]
        ],
    )
    rooms = _bulk(
        Room, [Room(branch=branch, name=f"Room {t.pk}", capacity=STUDENTS_PER_GROUP) for t in teachers]
    )
    count = max(1, students // STUDENTS_PER_GROUP)
    groups = []
    for g in range(count):
        teacher_index = g % len(teachers)
        course = courses[g % len(courses)]
        groups.append(
            Group(
                branch=branch,
                course=course,
                teacher=teachers[teacher_index],
                room=rooms[teacher_index],
                name=f"{course.name} #{g + 1}",
                start_date=term_start,
                end_date=term_start + timedelta(weeks=TERM_WEEKS),
                capacity=STUDENTS_PER_GROUP,
                monthly_price=course.monthly_price,
                status=Group.Status.ACTIVE,
            )
        )
    groups = _bulk(Group, groups)
    schedules = []
    for g, group in enumerate(groups):
        nth = g // len(teachers)  # the teacher's nth group: a distinct (weekdays, hour) slot
        for weekday in WEEKDAY_PATTERNS[nth % 2]:
            schedules.append(
                LessonSchedule(
                    group=group,
                    weekday=weekday,
                    start_time=time(SLOT_HOURS[(nth // 2) % 7]),
                    duration_minutes=90,
                    valid_from=term_start,
                )
            )
    _bulk(LessonSchedule, schedules)
    return groups


def _memberships(groups, pupils, term_start: date):
    _bulk(
        Membership,
        [
            Membership(group=groups[i // STUDENTS_PER_GROUP], student=pupil, joined_on=term_start)
            for i, pupil in enumerate(pupils[: len(groups) * STUDENTS_PER_GROUP])
        ],
    )


def _lessons(groups, term_start: date, zone) -> dict[int, list[Lesson]]:
    schedules = {}
    for s in LessonSchedule.objects.filter(group__in=groups):
        schedules.setdefault(s.group_id, []).append(s)
    objs = []
    for group in groups:
        for week in range(TERM_WEEKS):
            for s in schedules[group.pk]:
                day = term_start + timedelta(weeks=week, days=s.weekday)
                start = datetime.combine(day, s.start_time, tzinfo=zone)
                objs.append(
                    Lesson(
                        group=group,
                        schedule=s,
                        teacher_id=group.teacher_id,
                        room_id=group.room_id,
                        starts_at=start,
                        ends_at=start + timedelta(minutes=90),
                        original_starts_at=start,
                    )
                )
    now = timezone.now()
    for lesson in objs:
        if lesson.ends_at < now:
            lesson.status = Lesson.Status.COMPLETED
    by_group: dict[int, list[Lesson]] = {}
    for lesson in _bulk(Lesson, objs):
        by_group.setdefault(lesson.group_id, []).append(lesson)
    return by_group


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
        AttendanceRecord.objects.filter(lesson__group__branch__name=BRANCH, status__in=["present", "late"])
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

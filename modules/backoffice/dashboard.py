"""The admin dashboard's figures, one small function each, read from the modules' models. Days,
weeks (Monday first) and months are the center's, in its time zone. A chart covers the last
SERIES_LENGTH weeks or months (the dashboard's period switch)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, Min, Q, Sum
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone

from modules.accounts.models import Guardianship, User
from modules.attendance.models import AttendanceRecord
from modules.center.selectors import center_zone
from modules.homework.models import Submission
from modules.lessons.models import Lesson
from modules.notifications.models import NotificationLog
from modules.payments.models import Payment

ATTENDED = (AttendanceRecord.Status.PRESENT, AttendanceRecord.Status.LATE)
AWAITING_REVIEW = (Submission.Status.SUBMITTED, Submission.Status.TRANSCRIBED, Submission.Status.SCORED)
FAILED_WINDOW = timedelta(days=7)
PERIODS = ("week", "month")
SERIES_LENGTH = {"week": 8, "month": 6}


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime  # exclusive


def center_today() -> date:
    return timezone.now().astimezone(center_zone()).date()


def _at_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=center_zone())


def day_period(day: date) -> Period:
    return Period(_at_midnight(day), _at_midnight(day + timedelta(days=1)))


def week_period(day: date) -> Period:
    monday = day - timedelta(days=day.weekday())
    return Period(_at_midnight(monday), _at_midnight(monday + timedelta(days=7)))


def month_period(day: date) -> Period:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Period(_at_midnight(first), _at_midnight(following))


def current_period(name: str, day: date) -> Period:
    return month_period(day) if name == "month" else week_period(day)


def _period_starts(name: str) -> list[date]:
    """The first days of the last SERIES_LENGTH weeks or months, oldest first, the current one last."""
    current = current_period(name, center_today()).start.date()
    if name == "week":
        return [current - timedelta(weeks=n) for n in reversed(range(SERIES_LENGTH["week"]))]
    starts = [current]
    while len(starts) < SERIES_LENGTH["month"]:
        starts.insert(0, (starts[0] - timedelta(days=1)).replace(day=1))
    return starts


def _trunc(name: str, field: str):
    return (TruncMonth if name == "month" else TruncWeek)(field, tzinfo=center_zone())


# --- lessons ----------------------------------------------------------------------------------------


def _lessons_today():
    span = day_period(center_today())
    return Lesson.objects.filter(starts_at__gte=span.start, starts_at__lt=span.end).exclude(
        status=Lesson.Status.CANCELLED
    )


def lessons_today_count() -> int:
    """Lessons starting today that are not cancelled."""
    return _lessons_today().count()


def lessons_today(limit: int = 12) -> list[Lesson]:
    return list(_lessons_today().select_related("group", "teacher", "room").order_by("starts_at")[:limit])


# --- attendance ---------------------------------------------------------------------------------


def attendance_rate(span: Period) -> int | None:
    """Percent of marked students who came (present or late) to lessons in the span; excused
    absences are left out. None when nothing was marked."""
    counts = (
        AttendanceRecord.objects.filter(lesson__starts_at__gte=span.start, lesson__starts_at__lt=span.end)
        .exclude(status=AttendanceRecord.Status.EXCUSED)
        .aggregate(total=Count("id"), came=Count("id", filter=Q(status__in=ATTENDED)))
    )
    if not counts["total"]:
        return None
    return round(100 * counts["came"] / counts["total"])


def attendance_series(period: str = "week") -> list[tuple[date, int | None]]:
    """Attendance rate per week or month (None where nothing was marked)."""
    starts = _period_starts(period)
    rows = (
        AttendanceRecord.objects.filter(lesson__starts_at__gte=_at_midnight(starts[0]))
        .exclude(status=AttendanceRecord.Status.EXCUSED)
        .annotate(start=_trunc(period, "lesson__starts_at"))
        .values("start")
        .annotate(total=Count("id"), came=Count("id", filter=Q(status__in=ATTENDED)))
    )
    by_start = {r["start"].date(): round(100 * r["came"] / r["total"]) for r in rows if r["total"]}
    return [(day, by_start.get(day)) for day in starts]


def absences_today(limit: int = 20) -> list[AttendanceRecord]:
    """Students marked absent from today's lessons, earliest lesson first (excused ones left out)."""
    span = day_period(center_today())
    return list(
        AttendanceRecord.objects.filter(
            status=AttendanceRecord.Status.ABSENT,
            lesson__starts_at__gte=span.start,
            lesson__starts_at__lt=span.end,
        )
        .select_related("student", "lesson__group")
        .order_by("lesson__starts_at", "student__last_name", "id")[:limit]
    )


# --- payments -----------------------------------------------------------------------------------


def revenue(span: Period) -> int:
    """Tiyin received in the span (payments paid in it and not refunded since)."""
    total = Payment.objects.filter(
        status=Payment.Status.PAID, paid_at__gte=span.start, paid_at__lt=span.end
    ).aggregate(s=Sum("amount"))["s"]
    return total or 0


def overdue_invoices():
    """Invoices owed past their due date, whether or not the overdue job has run yet."""
    return Payment.objects.filter(
        Q(status=Payment.Status.OVERDUE) | Q(status=Payment.Status.PENDING, due_date__lt=center_today())
    )


def overdue_total() -> tuple[int, int]:
    """(tiyin still owed, invoices) past their due date."""
    row = overdue_invoices().aggregate(s=Sum(F("amount") - F("amount_paid")), n=Count("id"))
    return row["s"] or 0, row["n"]


@dataclass(frozen=True)
class Debtor:
    student: User
    owed: int  # tiyin
    invoices: int
    oldest_due: date
    guardian_phones: tuple[str, ...]


def debtors(limit: int = 10) -> list[Debtor]:
    """The students who owe most past due, with the phones to call them and their parents on."""
    rows = list(
        overdue_invoices()
        .values("student_id")
        .annotate(owed=Sum(F("amount") - F("amount_paid")), invoices=Count("id"), oldest=Min("due_date"))
        .order_by("-owed", "student_id")[:limit]
    )
    ids = [r["student_id"] for r in rows]
    students = User.objects.in_bulk(ids)
    phones = guardian_phones(ids)
    return [
        Debtor(
            students[r["student_id"]], r["owed"], r["invoices"], r["oldest"], phones.get(r["student_id"], ())
        )
        for r in rows
    ]


def guardian_phones(student_ids) -> dict[int, tuple[str, ...]]:
    found: dict[int, list[str]] = {}
    for student_id, phone in Guardianship.objects.filter(student_id__in=list(student_ids)).values_list(
        "student_id", "parent__phone"
    ):
        found.setdefault(student_id, []).append(phone)
    return {student_id: tuple(sorted(p)) for student_id, p in found.items()}


def revenue_series(period: str = "week") -> list[tuple[date, int]]:
    """Tiyin received per week or month."""
    starts = _period_starts(period)
    rows = (
        Payment.objects.filter(status=Payment.Status.PAID, paid_at__gte=_at_midnight(starts[0]))
        .annotate(start=_trunc(period, "paid_at"))
        .values("start")
        .annotate(total=Sum("amount"))
    )
    by_start = {r["start"].date(): r["total"] for r in rows}
    return [(day, by_start.get(day, 0)) for day in starts]


# --- homework and notifications -----------------------------------------------------------------


def submissions_awaiting_review() -> int:
    return Submission.objects.filter(is_current=True, status__in=AWAITING_REVIEW).count()


def failed_deliveries(window: timedelta = FAILED_WINDOW) -> int:
    """External deliveries (Telegram, SMS, email) that failed for good in the last week."""
    since = timezone.now() - window
    return NotificationLog.objects.filter(status=NotificationLog.Status.FAILED, created_at__gte=since).count()

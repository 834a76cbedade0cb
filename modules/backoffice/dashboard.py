"""The admin dashboard's figures, one small function each, read from the modules' models. Days,
weeks (Monday first) and months are the center's, in its time zone. A chart covers the last
SERIES_LENGTH weeks or months (the dashboard's period switch). Each figure takes `branches`: the
branch ids it counts (None: the whole center), which the page takes from ?branch= and the viewer's
branches (modules/courses/branches.py, report_branches)."""

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
from modules.payments.branches import narrow
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


def in_branches(qs, branches, path: str):
    """`qs` limited to `branches` through `path` (a lookup ending at a branch id); None: unlimited."""
    return qs if branches is None else qs.filter(**{f"{path}__in": branches})


def _lessons_today(branches=None):
    span = day_period(center_today())
    qs = Lesson.objects.filter(starts_at__gte=span.start, starts_at__lt=span.end).exclude(
        status=Lesson.Status.CANCELLED
    )
    return in_branches(qs, branches, "group__branch_id")


def lessons_today_count(branches=None) -> int:
    """Lessons starting today that are not cancelled."""
    return _lessons_today(branches).count()


def lessons_today(limit: int = 12, branches=None) -> list[Lesson]:
    qs = _lessons_today(branches).select_related("group", "teacher", "room")
    return list(qs.order_by("starts_at")[:limit])


# --- attendance ---------------------------------------------------------------------------------


def _records(branches):
    return in_branches(AttendanceRecord.objects.all(), branches, "lesson__group__branch_id")


def attendance_rate(span: Period, branches=None) -> int | None:
    """Percent of marked students who came (present or late) to lessons in the span; excused
    absences are left out. None when nothing was marked."""
    counts = (
        _records(branches)
        .filter(lesson__starts_at__gte=span.start, lesson__starts_at__lt=span.end)
        .exclude(status=AttendanceRecord.Status.EXCUSED)
        .aggregate(total=Count("id"), came=Count("id", filter=Q(status__in=ATTENDED)))
    )
    if not counts["total"]:
        return None
    return round(100 * counts["came"] / counts["total"])


def attendance_series(period: str = "week", branches=None) -> list[tuple[date, int | None]]:
    """Attendance rate per week or month (None where nothing was marked)."""
    starts = _period_starts(period)
    rows = (
        _records(branches)
        .filter(lesson__starts_at__gte=_at_midnight(starts[0]))
        .exclude(status=AttendanceRecord.Status.EXCUSED)
        .annotate(start=_trunc(period, "lesson__starts_at"))
        .values("start")
        .annotate(total=Count("id"), came=Count("id", filter=Q(status__in=ATTENDED)))
    )
    by_start = {r["start"].date(): round(100 * r["came"] / r["total"]) for r in rows if r["total"]}
    return [(day, by_start.get(day)) for day in starts]


def absences_today(limit: int = 20, branches=None) -> list[AttendanceRecord]:
    """Students marked absent from today's lessons, earliest lesson first (excused ones left out)."""
    span = day_period(center_today())
    return list(
        _records(branches)
        .filter(
            status=AttendanceRecord.Status.ABSENT,
            lesson__starts_at__gte=span.start,
            lesson__starts_at__lt=span.end,
        )
        .select_related("student", "lesson__group")
        .order_by("lesson__starts_at", "student__last_name", "id")[:limit]
    )


# --- payments -----------------------------------------------------------------------------------


def _invoices(branches):
    """Invoices of `branches` by the payments module's own rule (the group's branch, else the student's)."""
    return narrow(Payment.objects.all(), branches)


def revenue(span: Period, branches=None) -> int:
    """Tiyin received in the span (payments paid in it and not refunded since)."""
    total = (
        _invoices(branches)
        .filter(status=Payment.Status.PAID, paid_at__gte=span.start, paid_at__lt=span.end)
        .aggregate(s=Sum("amount"))["s"]
    )
    return total or 0


def overdue_invoices(branches=None):
    """Invoices owed past their due date, whether or not the overdue job has run yet."""
    return _invoices(branches).filter(
        Q(status=Payment.Status.OVERDUE) | Q(status=Payment.Status.PENDING, due_date__lt=center_today())
    )


def overdue_total(branches=None) -> tuple[int, int]:
    """(tiyin still owed, invoices) past their due date."""
    row = overdue_invoices(branches).aggregate(s=Sum(F("amount") - F("amount_paid")), n=Count("id"))
    return row["s"] or 0, row["n"]


@dataclass(frozen=True)
class Debtor:
    student: User
    owed: int  # tiyin
    invoices: int
    oldest_due: date
    guardian_phones: tuple[str, ...]


def debtors(limit: int = 10, branches=None) -> list[Debtor]:
    """The students who owe most past due, with the phones to call them and their parents on."""
    rows = list(
        overdue_invoices(branches)
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


def revenue_series(period: str = "week", branches=None) -> list[tuple[date, int]]:
    """Tiyin received per week or month."""
    starts = _period_starts(period)
    rows = (
        _invoices(branches)
        .filter(status=Payment.Status.PAID, paid_at__gte=_at_midnight(starts[0]))
        .annotate(start=_trunc(period, "paid_at"))
        .values("start")
        .annotate(total=Sum("amount"))
    )
    by_start = {r["start"].date(): r["total"] for r in rows}
    return [(day, by_start.get(day, 0)) for day in starts]


# --- homework and notifications -----------------------------------------------------------------


def submissions_awaiting_review(branches=None) -> int:
    qs = Submission.objects.filter(is_current=True, status__in=AWAITING_REVIEW)
    return in_branches(qs, branches, "homework__group__branch_id").count()


def failed_deliveries(window: timedelta = FAILED_WINDOW) -> int:
    """External deliveries (Telegram, SMS, email) that failed for good in the last week."""
    since = timezone.now() - window
    return NotificationLog.objects.filter(status=NotificationLog.Status.FAILED, created_at__gte=since).count()

"""The admin dashboard's figures, one small function each, read from the modules' models. Days,
weeks (Monday first) and months are the center's, in its time zone. Each takes `branches`: the branch
ids it counts (None: the whole center), which the page takes from ?branch= and the viewer's branches
(modules/courses/branches.py, report_branches)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

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


def format_uzs(tiyin: int) -> str:
    """Whole som with thin groups: 125000000 tiyin -> "1 250 000 UZS" (integers only, no floats)."""
    return f"{tiyin // 100:,}".replace(",", " ") + " UZS"


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


def attendance_by_week(weeks: int = 8, branches=None) -> list[tuple[date, int | None]]:
    first = week_period(center_today()).start - timedelta(weeks=weeks - 1)
    rows = (
        _records(branches)
        .filter(lesson__starts_at__gte=first)
        .exclude(status=AttendanceRecord.Status.EXCUSED)
        .annotate(week=TruncWeek("lesson__starts_at", tzinfo=center_zone()))
        .values("week")
        .annotate(total=Count("id"), came=Count("id", filter=Q(status__in=ATTENDED)))
    )
    by_week = {r["week"].date(): round(100 * r["came"] / r["total"]) for r in rows if r["total"]}
    return [(day, by_week.get(day)) for day in _weeks_from(first.date(), weeks)]


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


def overdue_total(branches=None) -> tuple[int, int]:
    """(tiyin, invoices) owed past their due date, whether or not the overdue job has run yet."""
    row = (
        _invoices(branches)
        .filter(
            Q(status=Payment.Status.OVERDUE) | Q(status=Payment.Status.PENDING, due_date__lt=center_today())
        )
        .aggregate(s=Sum("amount"), n=Count("id"))
    )
    return row["s"] or 0, row["n"]


def revenue_by_week(weeks: int = 8, branches=None) -> list[tuple[date, int]]:
    first = week_period(center_today()).start - timedelta(weeks=weeks - 1)
    rows = (
        _invoices(branches)
        .filter(status=Payment.Status.PAID, paid_at__gte=first)
        .annotate(week=TruncWeek("paid_at", tzinfo=center_zone()))
        .values("week")
        .annotate(total=Sum("amount"))
    )
    by_week = {r["week"].date(): r["total"] for r in rows}
    return [(day, by_week.get(day, 0)) for day in _weeks_from(first.date(), weeks)]


# --- homework and notifications -----------------------------------------------------------------


def submissions_awaiting_review(branches=None) -> int:
    qs = Submission.objects.filter(is_current=True, status__in=AWAITING_REVIEW)
    return in_branches(qs, branches, "homework__group__branch_id").count()


def failed_deliveries(window: timedelta = FAILED_WINDOW) -> int:
    """External deliveries (Telegram, SMS, email) that failed for good in the last week."""
    since = timezone.now() - window
    return NotificationLog.objects.filter(status=NotificationLog.Status.FAILED, created_at__gte=since).count()


def _weeks_from(monday: date, weeks: int) -> list[date]:
    return [monday + timedelta(weeks=i) for i in range(weeks)]

"""The admin dashboard (Unfold's DASHBOARD_CALLBACK): KPI cards, today's lessons, attendance and
revenue charts, each linking to the filtered list an administrator acts on. Per branch: ?branch=
narrows it to one, and by default it counts the viewer's branches (a branch admin's) or the whole
center (the director)."""

from __future__ import annotations

import json

from django.http import Http404
from django.urls import reverse
from django.utils.html import format_html

from core.exceptions import NotFound
from modules.backoffice import dashboard as d
from modules.center.selectors import get_system_settings
from modules.courses.branches import branch_ids_of, report_branches
from modules.courses.models import Branch


def _changelist(model_label: str, **query) -> str:
    app_label, model = model_label.split(".")
    url = reverse(f"admin:{app_label}_{model}_changelist")
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _kpis(today, branches) -> list[dict]:
    week_rate = d.attendance_rate(d.week_period(today), branches)
    month = d.month_period(today)
    overdue_tiyin, overdue_count = d.overdue_total(branches)
    cards = [
        {
            "title": "Lessons today",
            "value": d.lessons_today_count(branches),
            "footer": "not cancelled",
            "href": _changelist("lessons.lesson", starts_at__date=today.isoformat()),
        },
        {
            "title": "Attendance this week",
            "value": "—" if week_rate is None else f"{week_rate}%",
            "footer": "present or late, of students marked",
        },
        {
            "title": "Revenue this month",
            "value": d.format_uzs(d.revenue(month, branches)),
            "footer": f"paid since {month.start:%d %b}",
            "href": _changelist("payments.payment", status__exact="paid"),
        },
        {
            "title": "Overdue",
            "value": d.format_uzs(overdue_tiyin),
            "footer": f"{overdue_count} invoice(s) past due",
            "href": _changelist("payments.payment", status__exact="overdue"),
        },
        {
            "title": "Awaiting review",
            "value": d.submissions_awaiting_review(branches),
            "footer": "current homework submissions",
            "href": _changelist(
                "homework.submission", is_current__exact=1, status__in=",".join(d.AWAITING_REVIEW)
            ),
        },
    ]
    if branches is None:  # deliveries are the whole center's, not a branch's: the director's card
        cards.append(
            {
                "title": "Failed deliveries",
                "value": d.failed_deliveries(),
                "footer": "last 7 days",
                "href": _changelist("notifications.notificationlog", status__exact="failed"),
            }
        )
    return cards


def _lessons_table(branches) -> dict:
    zone = d.center_zone()
    lessons = d.lessons_today(limit=12, branches=branches)
    rows = [
        [
            f"{lesson.starts_at.astimezone(zone):%H:%M}–{lesson.ends_at.astimezone(zone):%H:%M}",
            format_html(
                '<a href="{}">{}</a>', reverse("admin:lessons_lesson_change", args=[lesson.pk]), lesson.group
            ),
            lesson.teacher.full_name,
            lesson.room.name if lesson.room else "—",
            lesson.get_status_display(),
        ]
        for lesson in lessons
    ]
    return {"headers": ["Time", "Group", "Teacher", "Room", "Status"], "rows": rows}


def _chart(label: str, points: list, color: str) -> str:
    return json.dumps(
        {
            "labels": [f"{week:%d %b}" for week, _ in points],
            "datasets": [
                {"label": label, "data": [value or 0 for _, value in points], "backgroundColor": color}
            ],
        }
    )


def _asked_branch(request) -> int | None:
    raw = request.GET.get("branch", "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def _branches(request):
    """The branches the page counts; another branch than the viewer's is a 404, as everywhere."""
    try:
        return report_branches(request.user, _asked_branch(request))
    except NotFound as exc:
        raise Http404(str(exc)) from exc


def _branch_choices(request) -> list[dict]:
    """The branch switcher: every branch the viewer may open, the one asked for marked."""
    mine, shown = branch_ids_of(request.user), _asked_branch(request)
    qs = Branch.objects.all() if mine is None else Branch.objects.filter(pk__in=mine)
    return [{"id": b.pk, "name": b.name, "current": b.pk == shown} for b in qs.order_by("name")]


def dashboard_callback(request, context):
    today = d.center_today()
    branches = _branches(request)
    revenue = [(w, t // 100) for w, t in d.revenue_by_week(branches=branches)]
    context.update(
        {
            "kpis": _kpis(today, branches),
            "lessons_table": _lessons_table(branches),
            "attendance_chart": _chart(
                "Attendance, %", d.attendance_by_week(branches=branches), "var(--color-primary-500)"
            ),
            "revenue_chart": _chart("Revenue, UZS", revenue, "var(--color-primary-700)"),
            "center_name": get_system_settings().center_name,
            "branch_choices": _branch_choices(request),
            "every_branch_shown": _asked_branch(request) is None,
        }
    )
    return context

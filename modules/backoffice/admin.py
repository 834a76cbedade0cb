"""The admin dashboard (Unfold's DASHBOARD_CALLBACK): KPI cards, today's lessons, attendance and
revenue charts, each linking to the filtered list an administrator acts on."""

from __future__ import annotations

import json

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from modules.backoffice import dashboard as d
from modules.center.selectors import get_system_settings


def _changelist(model_label: str, **query) -> str:
    app_label, model = model_label.split(".")
    url = reverse(f"admin:{app_label}_{model}_changelist")
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _kpis(today) -> list[dict]:
    week_rate = d.attendance_rate(d.week_period(today))
    month = d.month_period(today)
    overdue_tiyin, overdue_count = d.overdue_total()
    return [
        {
            "title": _("Lessons today"),
            "value": d.lessons_today_count(),
            "footer": _("not cancelled"),
            "href": _changelist("lessons.lesson", starts_at__date=today.isoformat()),
        },
        {
            "title": _("Attendance this week"),
            "value": "—" if week_rate is None else f"{week_rate}%",
            "footer": _("present or late, of students marked"),
        },
        {
            "title": _("Revenue this month"),
            "value": d.format_uzs(d.revenue(month)),
            "footer": _("paid since {day}").format(day=date_format(month.start, "j E")),
            "href": _changelist("payments.payment", status__exact="paid"),
        },
        {
            "title": _("Overdue"),
            "value": d.format_uzs(overdue_tiyin),
            "footer": ngettext("%(count)d invoice past due", "%(count)d invoices past due", overdue_count)
            % {"count": overdue_count},
            "href": _changelist("payments.payment", status__exact="overdue"),
        },
        {
            "title": _("Awaiting review"),
            "value": d.submissions_awaiting_review(),
            "footer": _("current homework submissions"),
            "href": _changelist(
                "homework.submission", is_current__exact=1, status__in=",".join(d.AWAITING_REVIEW)
            ),
        },
        {
            "title": _("Failed deliveries"),
            "value": d.failed_deliveries(),
            "footer": _("last 7 days"),
            "href": _changelist("notifications.notificationlog", status__exact="failed"),
        },
    ]


def _lessons_table() -> dict:
    zone = d.center_zone()
    lessons = d.lessons_today(limit=12)
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
    return {"headers": [_("Time"), _("Group"), _("Teacher"), _("Room"), _("Status")], "rows": rows}


def _chart(label, points: list, color: str) -> str:
    return json.dumps(
        {
            "labels": [date_format(week, "j M") for week, _value in points],
            "datasets": [
                {"label": label, "data": [value or 0 for _week, value in points], "backgroundColor": color}
            ],
        }
    )


def dashboard_callback(request, context):
    today = d.center_today()
    context.update(
        {
            "kpis": _kpis(today),
            "lessons_table": _lessons_table(),
            "attendance_chart": _chart(
                _("Attendance, %"), d.attendance_by_week(), "var(--color-primary-500)"
            ),
            "revenue_chart": _chart(
                _("Revenue, so‘m"),
                [(w, t // 100) for w, t in d.revenue_by_week()],
                "var(--color-primary-700)",
            ),
            "center_name": get_system_settings().center_name,
        }
    )
    return context

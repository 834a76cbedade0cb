"""The admin dashboard (Unfold's DASHBOARD_CALLBACK): KPI cards for the chosen period (this week or
this month), attendance and revenue charts with their values, today's lessons, and the two lists an
administrator works through: debtors (call, remind) and today's absences (call). Per branch: ?branch=
narrows it to one, and by default it counts the viewer's branches (a branch admin's) or the whole
center (the director)."""

from __future__ import annotations

import json

from django.http import Http404
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.exceptions import NotFound
from core.money import SOM, TIYIN_PER_SOM, format_amount
from modules.backoffice import dashboard as d
from modules.center.selectors import get_system_settings
from modules.courses.branches import branch_ids_of, report_branches
from modules.courses.models import Branch


def _changelist(model_label: str, **query) -> str:
    app_label, model = model_label.split(".")
    url = reverse(f"admin:{app_label}_{model}_changelist")
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _kpis(today, period: str, branches) -> list[dict]:
    span = d.current_period(period, today)
    rate = d.attendance_rate(span, branches)
    overdue_tiyin, overdue_count = d.overdue_total(branches)
    this = _("this month") if period == "month" else _("this week")
    cards = [
        {
            "title": _("Lessons today"),
            "value": d.lessons_today_count(branches),
            "footer": _("not cancelled"),
            "href": _changelist("lessons.lesson", starts_at__date=today.isoformat()),
        },
        {
            "title": _("Attendance, %(period)s") % {"period": this},
            "value": "—" if rate is None else f"{rate}%",
            "footer": _("present or late, of students marked"),
        },
        {
            "title": _("Revenue, %(period)s") % {"period": this},
            "value": format_amount(d.revenue(span, branches)),
            "footer": _("paid since %(day)s") % {"day": f"{span.start:%d.%m.%Y}"},
            "href": _changelist("payments.payment", status__exact="paid"),
        },
        {
            "title": _("Overdue"),
            "value": format_amount(overdue_tiyin),
            "footer": ngettext("%(count)d invoice past due", "%(count)d invoices past due", overdue_count)
            % {"count": overdue_count},
            "href": _changelist("payments.payment", status__exact="overdue"),
        },
        {
            "title": _("Awaiting review"),
            "value": d.submissions_awaiting_review(branches),
            "footer": _("current homework submissions"),
            "href": _changelist(
                "homework.submission", is_current__exact=1, status__in=",".join(d.AWAITING_REVIEW)
            ),
        },
    ]
    if branches is None:  # deliveries are the whole center's, not a branch's: the director's card
        cards.append(
            {
                "title": _("Failed deliveries"),
                "value": d.failed_deliveries(),
                "footer": _("last 7 days"),
                "href": _changelist("notifications.notificationlog", status__exact="failed"),
            }
        )
    return cards


def _lessons_table(branches) -> dict:
    zone = d.center_zone()
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
        for lesson in d.lessons_today(limit=12, branches=branches)
    ]
    return {"headers": [_("Time"), _("Group"), _("Teacher"), _("Room"), _("Status")], "rows": rows}


def _calls(*phones: str):
    """tel: links, one per phone: a click on a phone or desk app starts the call."""
    return format_html_join(
        " ", '<a class="text-primary-600" href="tel:{}">{}</a>', ((p, p) for p in phones if p)
    )


def _remind_button(request, student_id: int):
    return format_html(
        '<form method="post" action="{}" class="inline">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<input type="hidden" name="student" value="{}">'
        '<button type="submit" class="text-primary-600 font-semibold">{}</button></form>',
        reverse("backoffice_remind_debtor"),
        get_token(request),
        student_id,
        _("Remind"),
    )


def _debtors_table(request, branches) -> dict:
    rows = [
        [
            format_html(
                '<a href="{}">{}</a>',
                _changelist("payments.payment", student__id__exact=debtor.student.pk),
                debtor.student.full_name,
            ),
            format_amount(debtor.owed),
            f"{debtor.invoices}",
            f"{debtor.oldest_due:%d.%m.%Y}",
            _calls(debtor.student.phone, *debtor.guardian_phones),
            _remind_button(request, debtor.student.pk),
        ]
        for debtor in d.debtors(limit=10, branches=branches)
    ]
    headers = [_("Student"), _("Owed"), _("Invoices"), _("Due since"), _("Call"), _("Remind")]
    return {"headers": headers, "rows": rows}


def _absences_table(branches) -> dict:
    records = d.absences_today(limit=20, branches=branches)
    phones = d.guardian_phones({r.student_id for r in records})
    zone = d.center_zone()
    rows = [
        [
            f"{record.lesson.starts_at.astimezone(zone):%H:%M}",
            format_html(
                '<a href="{}">{}</a>',
                reverse("admin:attendance_attendancerecord_change", args=[record.pk]),
                record.student.full_name,
            ),
            str(record.lesson.group),
            _calls(record.student.phone, *phones.get(record.student_id, ())),
        ]
        for record in records
    ]
    return {"headers": [_("Lesson"), _("Student"), _("Group"), _("Call")], "rows": rows}


def _label(start, period: str) -> str:
    return f"{start:%m.%Y}" if period == "month" else f"{start:%d.%m}"


def _chart(label: str, points: list, shown, *, suffix: str, color: str) -> str:
    """A bar chart whose x labels carry each bar's value on a second line, y axis with its unit."""
    return json.dumps(
        {
            "labels": [[start_label, shown(value)] for start_label, value in points],
            "datasets": [
                {
                    "label": label,
                    "data": [value or 0 for _, value in points],
                    "backgroundColor": color,
                    "displayYAxis": True,
                    "suffixYAxis": suffix,
                }
            ],
        }
    )


def _charts(period: str, branches) -> dict:
    attendance = [(_label(s, period), v) for s, v in d.attendance_series(period, branches)]
    revenue = [(_label(s, period), t // TIYIN_PER_SOM) for s, t in d.revenue_series(period, branches)]
    return {
        "attendance_chart": _chart(
            _("Attendance, %"),
            attendance,
            lambda v: "—" if v is None else f"{v}%",
            suffix="%",
            color="var(--color-primary-500)",
        ),
        "revenue_chart": _chart(
            _("Revenue, so'm"),
            revenue,
            lambda v: format_amount(v * TIYIN_PER_SOM),
            suffix=SOM,
            color="var(--color-primary-700)",
        ),
    }


def _period(request) -> str:
    chosen = request.GET.get("period")
    return chosen if chosen in d.PERIODS else "week"


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
    period = _period(request)
    branches = _branches(request)
    context.update(
        {
            "period": period,
            "periods": [("week", _("Week")), ("month", _("Month"))],
            "kpis": _kpis(today, period, branches),
            "lessons_table": _lessons_table(branches),
            "debtors_table": _debtors_table(request, branches),
            "absences_table": _absences_table(branches),
            **_charts(period, branches),
            "branch_choices": _branch_choices(request),
            "every_branch_shown": _asked_branch(request) is None,
            "shown_branch": _asked_branch(request),
            "center_name": get_system_settings().center_name,
        }
    )
    return context

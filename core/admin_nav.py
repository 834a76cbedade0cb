"""The admin sidebar, grouped by area. Built per request from what is registered, so a model shows up
in its area as soon as its module registers an admin, and only for users its ModelAdmin lets view it."""

from __future__ import annotations

from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# area title -> app labels, in order. Registered models of apps not listed land in "Other".
AREAS: list[tuple[Promise, list[str]]] = [
    (_("People"), ["accounts", "auth"]),
    (_("Teaching"), ["courses", "lessons", "attendance"]),
    (_("Homework and materials"), ["homework", "resources"]),
    (_("Finance"), ["payments"]),
    (_("Coins"), ["gamification"]),
    (_("Communication"), ["notifications"]),
    (_("System"), ["center", "audit", "django_q"]),
]

ICONS = {
    "accounts.user": "person",
    "auth.group": "shield_person",
    "courses.branch": "apartment",
    "courses.course": "menu_book",
    "courses.group": "groups",
    "courses.membership": "how_to_reg",
    "courses.room": "meeting_room",
    "courses.holiday": "event_busy",
    "courses.lessonschedule": "calendar_view_week",
    "lessons.lesson": "event",
    "lessons.lessonreschedule": "history",
    "attendance.attendancerecord": "fact_check",
    "homework.homework": "assignment",
    "homework.submission": "upload_file",
    "payments.payment": "receipt_long",
    "payments.paymentschedule": "event_repeat",
    "payments.paymetransaction": "account_balance_wallet",
    "gamification.cointransaction": "toll",
    "gamification.reward": "redeem",
    "notifications.notification": "notifications",
    "notifications.notificationlog": "outgoing_mail",
    "notifications.broadcast": "campaign",
    "center.systemsettings": "settings",
    "audit.auditlog": "policy",
    "django_q.schedule": "schedule",
    "django_q.success": "task_alt",
    "django_q.failure": "error",
    "django_q.ormq": "queue",
}
DEFAULT_ICON = "folder"


def _item(request, model, model_admin) -> dict | None:
    if not model_admin.has_view_or_change_permission(request):
        return None
    opts = model._meta
    try:
        link = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    except NoReverseMatch:
        return None
    return {
        "title": str(opts.verbose_name_plural).capitalize(),
        "icon": ICONS.get(opts.label_lower, DEFAULT_ICON),
        "link": link,
    }


def sidebar_navigation(request) -> list[dict]:
    by_app: dict[str, list[dict]] = {}
    for model, model_admin in admin.site._registry.items():
        item = _item(request, model, model_admin)
        if item is not None:
            by_app.setdefault(model._meta.app_label, []).append(item)
    groups = [
        {
            "title": _("Overview"),
            "items": [{"title": _("Dashboard"), "icon": "dashboard", "link": reverse("admin:index")}],
        }
    ]
    placed = set()
    for title, apps in AREAS:
        items = [item for app in apps for item in by_app.get(app, [])]
        placed.update(apps)
        if items:
            groups.append({"title": title, "separator": True, "collapsible": True, "items": items})
    leftovers = [item for app, items in sorted(by_app.items()) if app not in placed for item in items]
    if leftovers:
        groups.append({"title": _("Other"), "separator": True, "collapsible": True, "items": leftovers})
    return groups


def environment_badge(request) -> list[str] | None:
    """A visible "Development" label unless DEBUG is off, so nobody mistakes a dev admin for production."""
    from django.conf import settings

    return [_("Development"), "warning"] if settings.DEBUG else None

from __future__ import annotations

from django.apps import apps
from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.contrib.filters.admin import FieldTextFilter, RangeDateTimeFilter
from unfold.decorators import display

from core.admin_perf import LargeTableMixin
from core.money import format_amount
from modules.audit.models import AuditLog


@admin.register(AuditLog)
class AuditLogAdmin(LargeTableMixin, ModelAdmin):
    """Read only, for everyone including superusers: entries are never added, changed or deleted here."""

    list_display = [
        "created_at",
        "actor_display",
        "action_badge",
        "object_type",
        "object_id",
        "object_repr",
        "source",
        "ip",
    ]
    list_filter = [
        ("created_at", RangeDateTimeFilter),
        "action",
        "source",
        "object_type",
        ("request_id", FieldTextFilter),
    ]
    list_filter_submit = True
    search_fields = ["object_repr", "actor_repr", "object_id", "request_id", "ip"]
    list_select_related = ["actor"]
    date_hierarchy = "created_at"
    actions = None
    fields = [
        "created_at",
        "actor",
        "actor_repr",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "changes_table",
        "ip",
        "user_agent",
        "request_id",
        "source",
    ]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @display(description=_("Actor"), ordering="actor_repr")
    def actor_display(self, obj: AuditLog) -> str:
        return obj.actor_repr or "—"

    @display(
        description=_("Action"),
        ordering="action",
        label={"create": "success", "update": "info", "delete": "danger"},
    )
    def action_badge(self, obj: AuditLog) -> tuple[str, str]:
        # create/update/delete have translated labels; domain actions ("lesson.cancelled") are codes
        labels = dict(AuditLog.Action.choices)
        return obj.action, labels.get(obj.action, obj.action)

    @display(description=_("Changes"))
    def changes_table(self, obj: AuditLog) -> str:
        if not obj.changes:
            return "—"
        money = _money_fields(obj.object_type)
        rows = format_html_join(
            "",
            "<tr><td class='pr-4 font-semibold'>{}</td><td class='pr-4'>{}</td><td>{}</td></tr>",
            ((name, *_pair(value, name in money)) for name, value in obj.changes.items()),
        )
        return format_html(
            "<table><thead><tr><th class='pr-4 text-left'>{}</th><th class='pr-4 text-left'>{}</th>"
            "<th class='text-left'>{}</th></tr></thead><tbody>{}</tbody></table>",
            _("field"),
            _("before"),
            _("after"),
            rows,
        )


def _money_fields(object_type: str) -> set[str]:
    """The tiyin fields of the audited model, as its own admin names them (core.admin_money)."""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return set()
    return set(getattr(admin.site._registry.get(model), "money_fields", ()))


def _pair(value, money: bool = False) -> tuple[str, str]:
    shown = _som if money else str
    if isinstance(value, list) and len(value) == 2:
        return shown(value[0]), shown(value[1])
    return "", shown(value)


def _som(value) -> str:
    return format_amount(value) if isinstance(value, int) and not isinstance(value, bool) else str(value)

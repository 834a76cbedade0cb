from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from unfold.admin import ModelAdmin, TabularInline
from unfold.decorators import action

from core.exceptions import ApplicationError
from modules.payroll import services
from modules.payroll.models import PayRate, PayrollAdjustment, PayrollRun, PayrollStatement


@admin.register(PayRate)
class PayRateAdmin(ModelAdmin):
    list_display = ["teacher", "kind", "amount", "course", "group", "active_from", "active_to"]
    list_filter = ["kind"]
    search_fields = ["teacher__first_name", "teacher__last_name", "teacher__phone"]
    autocomplete_fields = ["teacher"]
    raw_id_fields = ["course", "group"]


class StatementInline(TabularInline):
    model = PayrollStatement
    extra = 0
    can_delete = False
    fields = ["teacher", "lessons", "base_amount", "adjustments_amount", "total"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class AdjustmentInline(TabularInline):
    model = PayrollAdjustment
    extra = 0
    can_delete = False
    fields = ["teacher", "kind", "amount", "reason", "created_by", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False  # through the API, so statement totals follow


@admin.register(PayrollRun)
class PayrollRunAdmin(ModelAdmin):
    list_display = ["period", "branch", "status", "total", "approved_at", "paid_on"]
    list_filter = ["status"]
    readonly_fields = [
        "status",
        "total",
        "computed_at",
        "approved_by",
        "approved_at",
        "paid_on",
        "paid_method",
    ]
    inlines = [StatementInline, AdjustmentInline]
    actions = ["recompute", "approve"]

    def has_delete_permission(self, request, obj=None):
        return obj is None or obj.status == PayrollRun.Status.DRAFT

    def _each(self, request, queryset, fn, done_message) -> None:
        done = 0
        for run in queryset:
            try:
                fn(run)
                done += 1
            except ApplicationError as exc:
                self.message_user(request, f"{run}: {exc.detail}", messages.WARNING)
        self.message_user(request, done_message(done))

    @action(description=_("Recompute draft runs"))
    def recompute(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda run: services.run_recompute(run=run),
            lambda n: ngettext("%(count)d run recomputed.", "%(count)d runs recomputed.", n) % {"count": n},
        )

    @action(description=_("Approve draft runs (they are frozen from then on)"))
    def approve(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda run: services.run_approve(run=run, actor=request.user),
            lambda n: ngettext("%(count)d run approved.", "%(count)d runs approved.", n) % {"count": n},
        )

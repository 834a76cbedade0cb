from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from unfold.admin import ModelAdmin, TabularInline
from unfold.decorators import action, display

from core.admin_money import SomAdminMixin, SomWhenForm, som_when_column
from core.exceptions import ApplicationError
from modules.payroll import services
from modules.payroll.models import PayRate, PayrollAdjustment, PayrollRun, PayrollStatement


def _rate_is_money(values) -> bool:
    kind = values.get("kind") if isinstance(values, dict) else values.kind
    return kind != PayRate.Kind.REVENUE_PERCENT  # a revenue share is basis points (2500 = 25 %)


class PayRateForm(SomWhenForm):
    som_when = {"amount": _rate_is_money}
    som_when_help = {"amount": _("so'm; for a revenue share: basis points (2500 = 25 %)")}

    class Meta:
        model = PayRate
        fields = "__all__"


rate_column = som_when_column("amount", _rate_is_money, "amount", other="{} bp")


@admin.register(PayRate)
class PayRateAdmin(ModelAdmin):
    form = PayRateForm
    list_display = ["teacher", "kind", "rate", "course", "group", "active_from", "active_to"]
    list_filter = ["kind"]
    search_fields = ["teacher__first_name", "teacher__last_name", "teacher__phone"]
    autocomplete_fields = ["teacher"]
    raw_id_fields = ["course", "group"]

    @display(description="amount", ordering="amount")
    def rate(self, obj: PayRate) -> str:
        return rate_column(obj)


class StatementInline(SomAdminMixin, TabularInline):
    model = PayrollStatement
    money_fields = ["base_amount", "adjustments_amount", "total"]
    extra = 0
    can_delete = False
    fields = ["teacher", "lessons", "base_amount", "adjustments_amount", "total"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class AdjustmentInline(SomAdminMixin, TabularInline):
    model = PayrollAdjustment
    money_fields = ["amount"]
    extra = 0
    can_delete = False
    fields = ["teacher", "kind", "amount", "reason", "created_by", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False  # through the API, so statement totals follow


@admin.register(PayrollRun)
class PayrollRunAdmin(SomAdminMixin, ModelAdmin):
    money_fields = ["total"]
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

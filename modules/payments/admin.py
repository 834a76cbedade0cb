from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from unfold.admin import ModelAdmin
from unfold.decorators import action, display

from core.admin_money import SomAdminMixin
from core.admin_perf import LargeTableMixin
from core.admin_readonly import ReadOnlyInline
from core.exceptions import ApplicationError
from modules.payments import services
from modules.payments.models import (
    Payment,
    PaymentCredit,
    PaymentHistory,
    PaymentSchedule,
    PaymeTransaction,
)

STATUS_LABELS = {
    "pending": "warning",
    "partially_paid": "warning",
    "paid": "success",
    "overdue": "danger",
    "cancelled": "info",
    "refunded": "info",
}


class HistoryInline(ReadOnlyInline):
    model = PaymentHistory
    fields = ["created_at", "from_status", "to_status", "actor", "source", "reason"]


class CreditInline(SomAdminMixin, ReadOnlyInline):
    """Credit notes (freeze and move credits): written by the billing task, read-only here."""

    model = PaymentCredit
    money_fields = ["amount"]
    fields = ["created_at", "days", "amount", "adjusted", "reason"]


class PaymeInline(SomAdminMixin, ReadOnlyInline):
    model = PaymeTransaction
    money_fields = ["amount"]
    fields = ["payme_id", "state", "reason", "amount", "create_time", "perform_time", "cancel_time"]


@admin.register(Payment)
class PaymentAdmin(LargeTableMixin, SomAdminMixin, ModelAdmin):
    money_fields = ["amount", "amount_paid"]
    list_display = [
        "id",
        "student",
        "group",
        "amount",
        "period",
        "due_date",
        "status_badge",
        "method",
        "paid_at",
    ]
    list_filter = ["status", "method", "period", "due_date"]
    search_fields = [
        "id",
        "description",
        "student__first_name",
        "student__last_name",
        "student__phone",
        "external_reference",
    ]
    list_select_related = ["student", "group"]
    autocomplete_fields = ["student"]
    raw_id_fields = ["group"]
    readonly_fields = [
        "status",
        "paid_at",
        "method",
        "external_reference",
        "schedule",
        "created_by",
        "created_at",
        "updated_at",
    ]
    fields = [
        "student",
        "group",
        "amount",
        "currency",
        "description",
        "period",
        "due_date",
        "status",
        "paid_at",
        "method",
        "external_reference",
        "schedule",
        "created_by",
        "created_at",
        "updated_at",
    ]
    inlines = [HistoryInline, CreditInline, PaymeInline]
    actions = ["confirm_cash", "cancel_invoices"]

    def has_delete_permission(self, request, obj=None):
        return False  # invoices are cancelled or refunded, never deleted

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.with_som_twins(self.readonly_fields)
        # money and parties are fixed once issued; status changes go through the actions
        editable = {"description", "due_date"} if obj.is_payable else {"description"}
        return self.with_som_twins(f for f in self.fields if f not in editable)

    def save_model(self, request, obj, form, change):
        if change:
            # status changes go through the actions (services); plain field edits save as usual
            super().save_model(request, obj, form, change)
            return
        created = services.payment_create(
            student=obj.student,
            group=obj.group,
            amount=obj.amount,
            due_date=obj.due_date,
            description=obj.description,
            period=obj.period,
            actor=request.user,
            source="admin",
        )
        obj.pk = created.pk

    @display(description=_("Status"), ordering="status", label=STATUS_LABELS)
    def status_badge(self, obj: Payment) -> tuple[str, str]:
        return obj.status, obj.get_status_display()

    @action(description=_("Confirm as paid in cash"))
    def confirm_cash(self, request, queryset):
        self._apply(
            request,
            queryset,
            lambda p: services.payment_confirm(payment=p, method="cash", actor=request.user, source="admin"),
        )

    @action(description=_("Cancel the selected invoices"))
    def cancel_invoices(self, request, queryset):
        self._apply(
            request,
            queryset,
            lambda p: services.payment_cancel(
                payment=p, actor=request.user, reason="cancelled in admin", source="admin"
            ),
        )

    def _apply(self, request, queryset, fn) -> None:
        done, failed = 0, []
        for payment in queryset:
            try:
                fn(payment)
                done += 1
            except ApplicationError as exc:
                failed.append(f"#{payment.pk}: {exc.detail}")
        if done:
            message = ngettext("%(count)d invoice updated.", "%(count)d invoices updated.", done)
            self.message_user(request, message % {"count": done}, messages.SUCCESS)
        for line in failed:
            self.message_user(request, line, messages.WARNING)


@admin.register(PaymeTransaction)
class PaymeTransactionAdmin(LargeTableMixin, SomAdminMixin, ModelAdmin):
    money_fields = ["amount"]
    list_display = ["payme_id", "payment", "amount", "state", "reason", "payme_time", "created_at"]
    list_filter = ["state"]
    search_fields = ["payme_id", "payment__id"]
    list_select_related = ["payment"]

    def get_readonly_fields(self, request, obj=None):
        return self.with_som_twins(f.name for f in self.model._meta.fields)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PaymentSchedule)
class PaymentScheduleAdmin(LargeTableMixin, SomAdminMixin, ModelAdmin):
    money_fields = ["amount"]
    list_display = ["id", "membership", "amount", "due_day", "active_from", "active_to", "is_active"]
    list_filter = ["is_active", "due_day"]
    search_fields = [
        "membership__student__first_name",
        "membership__student__last_name",
        "membership__group__name",
    ]
    list_select_related = ["membership"]
    raw_id_fields = ["membership"]


from modules.payments import admin_money  # noqa: E402, F401  (registers the money ledgers' pages)

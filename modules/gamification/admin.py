"""Unfold admin: the ledger and balances are read-only (coins move only through services); rewards
are edited here; redemptions are handed over or cancelled with actions that call the services."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from unfold.admin import ModelAdmin
from unfold.decorators import action, display

from core.admin_perf import LargeTableMixin
from core.admin_readonly import ReadOnlyAdmin
from core.exceptions import ApplicationError
from modules.gamification import services
from modules.gamification.models import CoinTransaction, Redemption, Reward, StudentAchievement, StudentCoin


@admin.register(CoinTransaction)
class CoinTransactionAdmin(LargeTableMixin, ReadOnlyAdmin):
    list_display = [
        "created_at",
        "student",
        "amount_display",
        "reason",
        "group",
        "source",
        "created_by",
        "note",
    ]
    list_filter = ["reason", "source_type", ("created_at", admin.DateFieldListFilter), "group"]
    search_fields = ["student__first_name", "student__last_name", "student__phone", "note", "idempotency_key"]
    list_select_related = ["student", "group", "created_by"]
    ordering = ["-created_at", "-id"]

    @display(description=_("Amount"), ordering="amount", label={"plus": "success", "minus": "danger"})
    def amount_display(self, obj: CoinTransaction):
        return ("plus" if obj.amount > 0 else "minus", f"{obj.amount:+d}")

    @display(description=_("Source"))
    def source(self, obj: CoinTransaction) -> str:
        return f"{obj.source_type} #{obj.source_id}" if obj.source_type else "—"


@admin.register(StudentCoin)
class StudentCoinAdmin(LargeTableMixin, ReadOnlyAdmin):
    list_display = ["student", "balance", "updated_at"]
    search_fields = ["student__first_name", "student__last_name", "student__phone"]
    list_select_related = ["student"]
    ordering = ["-balance"]


@admin.register(StudentAchievement)
class StudentAchievementAdmin(LargeTableMixin, ReadOnlyAdmin):
    list_display = ["awarded_at", "student", "code", "period", "group"]
    list_filter = ["code"]
    search_fields = ["student__first_name", "student__last_name"]
    list_select_related = ["student", "group"]


@admin.register(Reward)
class RewardAdmin(ModelAdmin):
    list_display = ["name", "price", "stock", "is_active", "updated_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "description"]
    list_editable = ["stock", "is_active"]
    fields = ["name", "description", "price", "stock", "is_active"]


@admin.register(Redemption)
class RedemptionAdmin(ModelAdmin):
    list_display = ["created_at", "student", "reward", "price", "status_badge", "handled_by"]
    list_filter = ["status", "reward"]
    search_fields = ["student__first_name", "student__last_name", "reward__name"]
    list_select_related = ["student", "reward", "handled_by"]
    readonly_fields = [
        "reward",
        "student",
        "price",
        "status",
        "handled_by",
        "handed_over_at",
        "cancelled_at",
        "created_at",
    ]
    actions = ["hand_over", "cancel"]

    def has_add_permission(self, request):
        return False  # students redeem through the API, which takes the coins

    def has_delete_permission(self, request, obj=None):
        return False

    @display(
        description=_("Status"),
        ordering="status",
        label={"pending": "warning", "handed_over": "success", "cancelled": "danger"},
    )
    def status_badge(self, obj: Redemption) -> tuple[str, str]:
        return obj.status, obj.get_status_display()

    def _apply(self, request, queryset, fn, done_message) -> None:
        done = 0
        for redemption in queryset:
            try:
                fn(redemption=redemption, actor=request.user)
                done += 1
            except ApplicationError as exc:
                self.message_user(request, f"#{redemption.pk}: {exc.detail}", messages.WARNING)
        self.message_user(request, done_message(done))

    @action(description=_("Mark as handed over"))
    def hand_over(self, request, queryset):
        self._apply(
            request,
            queryset,
            services.redemption_hand_over,
            lambda n: (
                ngettext("%(count)d redemption handed over.", "%(count)d redemptions handed over.", n)
                % {"count": n}
            ),
        )

    @action(description=_("Cancel and refund"))
    def cancel(self, request, queryset):
        self._apply(
            request,
            queryset,
            services.redemption_cancel,
            lambda n: (
                ngettext("%(count)d redemption cancelled.", "%(count)d redemptions cancelled.", n)
                % {"count": n}
            ),
        )

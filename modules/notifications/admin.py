from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from unfold.admin import ModelAdmin

from core.admin_perf import LargeTableMixin
from modules.notifications import services
from modules.notifications.models import (
    Broadcast,
    Notification,
    NotificationLog,
    NotificationPreference,
    TelegramLink,
)


@admin.register(Notification)
class NotificationAdmin(LargeTableMixin, ModelAdmin):
    list_display = ["id", "user", "kind", "title", "read_at", "created_at"]
    list_filter = ["kind", ("read_at", admin.EmptyFieldListFilter), "created_at"]
    search_fields = ["title", "body", "user__phone", "user__last_name"]
    list_select_related = ["user"]
    raw_id_fields = ["user", "broadcast"]
    date_hierarchy = "created_at"


@admin.register(NotificationLog)
class NotificationLogAdmin(LargeTableMixin, ModelAdmin):
    list_display = [
        "id",
        "user",
        "kind",
        "channel",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "error",
    ]
    list_filter = ["channel", "status", "kind", "created_at"]
    search_fields = ["recipient", "provider_message_id", "user__phone", "error"]
    list_select_related = ["user"]
    raw_id_fields = ["user", "notification"]
    readonly_fields = [f.name for f in NotificationLog._meta.fields]
    actions = ["resend"]

    @admin.action(description=_("Resend failed or skipped deliveries"))
    def resend(self, request, queryset):
        count = sum(services.log_resend(log=log) for log in queryset)
        message = ngettext(
            "%(count)d delivery queued again (sent ones are never resent).",
            "%(count)d deliveries queued again (sent ones are never resent).",
            count,
        )
        messages.info(request, message % {"count": count})

    def has_add_permission(self, request):
        return False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(LargeTableMixin, ModelAdmin):
    list_display = ["user", "kind", "channel", "enabled", "updated_at"]
    list_filter = ["channel", "kind", "enabled"]
    search_fields = ["user__phone", "user__last_name"]
    raw_id_fields = ["user"]


@admin.register(TelegramLink)
class TelegramLinkAdmin(ModelAdmin):
    list_display = ["user", "chat_id", "username", "linked_at"]
    search_fields = ["user__phone", "user__last_name", "username"]
    raw_id_fields = ["user"]


@admin.register(Broadcast)
class BroadcastAdmin(ModelAdmin):
    list_display = ["title", "sender", "group_id", "recipients", "status", "created_at"]
    list_filter = ["status"]
    readonly_fields = ["recipients", "status", "fanned_out_at"]
    raw_id_fields = ["sender"]

from __future__ import annotations

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline
from unfold.decorators import action, display

from core.admin_perf import LargeTableMixin
from modules.lessons.models import CalendarFeed, Lesson, LessonReschedule


class RescheduleInline(TabularInline):
    model = LessonReschedule
    extra = 0
    can_delete = False
    fields = ["from_starts_at", "to_starts_at", "from_room", "to_room", "reason", "actor", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # history is written by the reschedule service only


@admin.register(Lesson)
class LessonAdmin(LargeTableMixin, ModelAdmin):
    list_display = ["group", "starts_at", "ends_at", "teacher", "room", "status_badge", "topic"]
    # teachers: only those who teach, not a list of every user
    list_filter = ["status", "group__branch", "group__course", ("teacher", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["group__name", "topic"]
    date_hierarchy = "starts_at"
    list_select_related = ["group", "teacher", "room__branch"]  # a room's label names its branch
    raw_id_fields = ["group", "schedule", "teacher", "room"]
    readonly_fields = ["original_starts_at"]
    inlines = [RescheduleInline]

    @display(
        description=_("Status"),
        ordering="status",
        label={"scheduled": "info", "completed": "success", "cancelled": "danger"},
    )
    def status_badge(self, obj: Lesson) -> tuple[str, str]:
        return obj.status, obj.get_status_display()


@admin.register(LessonReschedule)
class LessonRescheduleAdmin(LargeTableMixin, ModelAdmin):
    list_display = ["lesson", "from_starts_at", "to_starts_at", "reason", "actor", "created_at"]
    search_fields = ["lesson__group__name", "reason"]
    list_select_related = ["lesson", "lesson__group", "actor"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ModelAdmin):
    list_display = ["user", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["user__first_name", "user__last_name", "user__phone"]
    readonly_fields = ["user", "token_hash", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False  # tokens are shown once to their owner through the API

    @action(description=_("Revoke the selected feeds"))
    def revoke(self, request, queryset):
        queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())

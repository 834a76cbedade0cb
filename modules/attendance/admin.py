from __future__ import annotations

from django.contrib import admin
from unfold.admin import ModelAdmin, TabularInline

from core.admin_perf import LargeTableMixin
from modules.attendance.models import AttendanceChange, AttendanceRecord


class AttendanceChangeInline(TabularInline):
    model = AttendanceChange
    extra = 0
    can_delete = False
    fields = ["created_at", "actor", "source", "before_status", "after_status", "before_note", "after_note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(AttendanceRecord)
class AttendanceRecordAdmin(LargeTableMixin, ModelAdmin):
    """Read-mostly: changes go through the API (edit window, roster, history, signals)."""

    list_display = ["lesson", "student", "status", "marked_by", "marked_at"]
    list_filter = ["status", "lesson__group", "marked_at"]
    search_fields = ["student__first_name", "student__last_name", "student__phone", "lesson__group__name"]
    list_select_related = ["lesson__group", "student", "marked_by"]
    autocomplete_fields = ["student"]
    raw_id_fields = ["lesson"]
    readonly_fields = [
        "lesson",
        "student",
        "status",
        "note",
        "marked_by",
        "marked_at",
        "made_up_by",  # a select of every lesson otherwise; set by the make-up service
        "created_at",
        "updated_at",
    ]
    inlines = [AttendanceChangeInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AttendanceChange)
class AttendanceChangeAdmin(LargeTableMixin, ModelAdmin):
    list_display = ["record", "before_status", "after_status", "actor", "source", "created_at"]
    list_filter = ["source", "after_status", "created_at"]
    search_fields = ["record__student__first_name", "record__student__last_name", "record__student__phone"]
    list_select_related = ["record__student", "record__lesson__group", "actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

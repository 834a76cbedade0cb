from __future__ import annotations

from django.contrib import admin
from unfold.admin import ModelAdmin

from modules.resources.models import Resource


@admin.register(Resource)
class ResourceAdmin(ModelAdmin):
    list_display = [
        "title",
        "kind",
        "extension",
        "size",
        "lesson",
        "group",
        "course",
        "uploaded_by",
        "created_at",
    ]
    list_filter = ["kind", "extension", "course", "created_at"]
    search_fields = ["title", "description", "original_name", "group__name", "course__name"]
    list_select_related = ["lesson__group", "group", "course", "uploaded_by"]
    raw_id_fields = ["lesson", "group", "course"]
    readonly_fields = [
        "file",
        "original_name",
        "kind",
        "content_type",
        "extension",
        "size",
        "duration_seconds",
        "uploaded_by",
        "created_at",
        "updated_at",
    ]

    def has_add_permission(self, request):
        # Uploads go through the API, which checks the file's real type and size.
        return False

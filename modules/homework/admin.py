from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from unfold.admin import ModelAdmin, StackedInline
from unfold.decorators import action, display

from core.admin_perf import LargeTableMixin
from core.exceptions import ApplicationError
from modules.homework import services
from modules.homework.models import DeadlineReminder, Homework, HomeworkTranscript, Submission


@admin.register(Homework)
class HomeworkAdmin(LargeTableMixin, ModelAdmin):
    list_display = ["title", "group", "kind", "due_at", "max_score", "accepts_late", "created_by"]
    list_filter = ["kind", "accepts_late", "group"]
    search_fields = ["title", "instructions", "group__name"]
    raw_id_fields = ["group", "lesson", "created_by"]
    date_hierarchy = "due_at"
    list_select_related = ["group", "created_by"]


class TranscriptInline(StackedInline):
    model = HomeworkTranscript
    extra = 0
    can_delete = False
    readonly_fields = [
        "text",
        "language",
        "duration",
        "model",
        "attempts",
        "last_error",
        "attempt_log",
        "segments",
        "transcribed_at",
    ]
    exclude = ["words"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Submission)
class SubmissionAdmin(LargeTableMixin, ModelAdmin):
    list_display = [
        "id",
        "homework",
        "student",
        "attempt",
        "status_badge",
        "score",
        "wer",
        "is_late",
        "needs_manual_review",
        "submitted_at",
    ]
    list_filter = ["status", "needs_manual_review", "is_late", "is_current", "homework__group"]
    search_fields = ["homework__title", "student__first_name", "student__last_name", "student__phone"]
    list_select_related = ["homework", "student"]
    # Read-only: scores change through the review service (it sends homework_reviewed), not here.
    fields = readonly_fields = [
        "homework",
        "student",
        "attempt",
        "is_current",
        "submitted_at",
        "is_late",
        "status",
        "status_changed_at",
        "text",
        "audio",
        "audio_format",
        "audio_seconds",
        "file",
        "file_name",
        "failure_reason",
        "needs_manual_review",
        "manual_review_reason",
        "auto_score",
        "wer",
        "diff",
        "score",
        "feedback",
        "reviewed_by",
        "reviewed_at",
    ]
    inlines = [TranscriptInline]
    actions = ["retry_transcription"]

    def has_add_permission(self, request):
        return False  # students submit through the API

    @display(
        description=_("Status"),
        ordering="status",
        label={
            "submitted": "info",
            "transcribing": "info",
            "transcribed": "warning",
            "scored": "warning",
            "reviewed": "success",
            "failed": "danger",
        },
    )
    def status_badge(self, obj: Submission) -> tuple[str, str]:
        return obj.status, obj.get_status_display()

    @action(description=_("Retry transcription"))
    def retry_transcription(self, request, queryset):
        done = 0
        for submission in queryset.select_related("homework"):
            try:
                services.submission_retry_transcription(submission=submission, actor=request.user)
                done += 1
            except ApplicationError as exc:
                self.message_user(request, f"#{submission.pk}: {exc.detail}", messages.WARNING)
        if done:
            message = ngettext(
                "%(count)d submission queued for transcription.",
                "%(count)d submissions queued for transcription.",
                done,
            )
            self.message_user(request, message % {"count": done}, messages.SUCCESS)


@admin.register(DeadlineReminder)
class DeadlineReminderAdmin(LargeTableMixin, ModelAdmin):
    list_display = ["homework", "student", "kind", "sent_at"]
    list_filter = ["kind"]
    list_select_related = ["homework", "student"]
    readonly_fields = ["homework", "student", "kind", "sent_at"]

    def has_add_permission(self, request):
        return False

"""The leads board: filters by status, assignee, source, branch; actions assign to me, mark
contacted, book a trial (the soonest lesson of the lead's course with a free place). Status and
history change only through the services, as in the API."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline
from unfold.decorators import action, display

from core.admin_perf import LargeTableMixin
from core.exceptions import ApplicationError
from modules.crm import selectors
from modules.crm.models import Lead, LeadEvent, TrialReminder
from modules.crm.services import leads as services
from modules.crm.services.trials import lead_book_trial

STATUS_COLOURS = {
    "new": "info",
    "contacted": "warning",
    "trial_scheduled": "primary",
    "trial_attended": "primary",
    "won": "success",
    "lost": "danger",
}


class LeadEventInline(TabularInline):
    model = LeadEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "kind", "from_status", "to_status", "note", "actor"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # history is written by the services only


@admin.register(Lead)
class LeadAdmin(LargeTableMixin, ModelAdmin):
    list_display = ["__str__", "source", "status_badge", "assignee", "course", "branch", "created_at"]
    list_filter = ["status", ("assignee", admin.RelatedOnlyFieldListFilter), "source", "branch", "course"]
    search_fields = ["first_name", "last_name", "phone", "email"]
    list_select_related = ["assignee", "course", "branch"]
    raw_id_fields = ["assignee", "course", "branch", "student", "membership"]
    readonly_fields = [
        "status",
        "lost_reason",
        "trial_booked_at",
        "won_at",
        "lost_at",
        "student",
        "membership",
        "phone",
    ]
    date_hierarchy = "created_at"
    inlines = [LeadEventInline]
    actions = ["assign_to_me", "mark_contacted", "book_trial"]

    @display(description=_("Status"), ordering="status", label=STATUS_COLOURS)
    def status_badge(self, obj: Lead) -> tuple[str, str]:
        return obj.status, obj.get_status_display()

    @action(description=_("Assign the selected leads to me"))
    def assign_to_me(self, request, queryset):
        for lead in queryset:
            services.lead_assign(lead=lead, assignee=request.user, actor=request.user)
        count = queryset.count()
        message = ngettext("%(count)d lead assigned to you.", "%(count)d leads assigned to you.", count)
        self.message_user(request, message % {"count": count})

    @action(description=_("Mark the selected new leads contacted"))
    def mark_contacted(self, request, queryset):
        moved = sum(services.lead_mark_contacted(lead=lead, actor=request.user) for lead in queryset)
        message = ngettext("%(count)d lead marked contacted.", "%(count)d leads marked contacted.", moved)
        self.message_user(request, message % {"count": moved})

    @action(description=_("Book a trial in the soonest lesson of their course with a free place"))
    def book_trial(self, request, queryset):
        booked, skipped = 0, []
        now = timezone.now()
        for lead in queryset.select_related("course"):
            lesson = selectors.next_trial_lesson(lead, now=now)
            if lesson is None:
                skipped.append(
                    gettext("{lead}: no lesson of their course with a free place in two weeks").format(
                        lead=lead
                    )
                )
                continue
            try:
                lead_book_trial(lead=lead, lesson=lesson, actor=request.user)
                booked += 1
            except ApplicationError as exc:
                skipped.append(f"{lead}: {exc.detail}")
        message = ngettext("%(count)d trial booked.", "%(count)d trials booked.", booked)
        self.message_user(request, message % {"count": booked})
        for line in skipped[:10]:
            self.message_user(request, line, level=messages.WARNING)


@admin.register(LeadEvent)
class LeadEventAdmin(LargeTableMixin, ModelAdmin):
    list_display = ["lead", "kind", "from_status", "to_status", "actor", "created_at"]
    list_filter = ["kind", "created_at"]
    search_fields = ["lead__first_name", "lead__last_name", "lead__phone", "note"]
    list_select_related = ["lead", "actor"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(TrialReminder)
class TrialReminderAdmin(ModelAdmin):
    list_display = ["visit", "lead", "channel", "result", "created_at"]
    list_filter = ["channel"]
    list_select_related = ["visit", "lead"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

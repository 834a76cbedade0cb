"""The front office: leads (people who called, walked in or wrote), their append-only history, and
the trial-lesson reminders sent to them. A lead's trial booking itself is an attendance TrialVisit."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.models import TimeStamped


class Source(models.TextChoices):
    WALK_IN = "walk_in", "Walk-in"
    PHONE_CALL = "phone_call", "Phone call"
    INSTAGRAM = "instagram", "Instagram"
    TELEGRAM = "telegram", "Telegram"
    WEBSITE = "website", "Website"
    REFERRAL = "referral", "Referral"
    OTHER = "other", "Other"


class Status(models.TextChoices):
    NEW = "new", "New"
    CONTACTED = "contacted", "Contacted"
    TRIAL_SCHEDULED = "trial_scheduled", "Trial scheduled"
    TRIAL_ATTENDED = "trial_attended", "Trial attended"
    WON = "won", "Won"
    LOST = "lost", "Lost"


CLOSED = (Status.WON, Status.LOST)


class Lead(TimeStamped):
    """Someone who may become a student. One open (not won, not lost) lead per phone: a repeat
    enquiry updates it. `trial_booked_at` (first booking) and `won_at` feed the funnel report."""

    Source = Source
    Status = Status

    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80, blank=True)
    phone = models.CharField(max_length=16, db_index=True)
    email = models.EmailField(max_length=254, blank=True)
    language = models.CharField(max_length=2, default="uz", help_text="for the texts sent to the lead")
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.OTHER)
    course = models.ForeignKey(
        "courses.Course", on_delete=models.SET_NULL, null=True, blank=True, related_name="leads"
    )
    branch = models.ForeignKey(
        "courses.Branch", on_delete=models.SET_NULL, null=True, blank=True, related_name="leads"
    )
    preferred_times = models.CharField(max_length=255, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_leads",
    )
    notes = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    lost_reason = models.CharField(max_length=255, blank=True)
    trial_booked_at = models.DateTimeField(null=True, blank=True)
    won_at = models.DateTimeField(null=True, blank=True)
    lost_at = models.DateTimeField(null=True, blank=True)
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    membership = models.ForeignKey(
        "courses.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["phone"], condition=~Q(status__in=["won", "lost"]), name="uniq_open_lead_per_phone"
            ),
            models.CheckConstraint(
                condition=~Q(status="lost") | ~Q(lost_reason=""), name="lost_lead_has_reason"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["assignee", "status"]),
            models.Index(fields=["branch", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} ({self.phone})".replace("  ", " ")

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class LeadEvent(models.Model):
    """Append-only history of a lead: status changes, contacts (call, SMS, Telegram, note) and what
    the front office did (enquiry repeated, assigned, trial booked, converted), with who and when."""

    class Kind(models.TextChoices):
        CREATED = "created", "Created"
        ENQUIRY = "enquiry", "Repeat enquiry"
        STATUS = "status", "Status change"
        CALL = "call", "Call"
        SMS = "sms", "SMS"
        TELEGRAM = "telegram", "Telegram"
        NOTE = "note", "Note"
        ASSIGNED = "assigned", "Assigned"
        TRIAL_BOOKED = "trial_booked", "Trial booked"
        CONVERTED = "converted", "Converted"
        REMINDED = "reminded", "Trial reminder sent"

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"lead {self.lead_id}: {self.kind}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValueError("Lead history is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Lead history is append-only.")


class TrialReminder(models.Model):
    """The day-before reminder of one trial visit: its row is the claim, so a rerun sends nothing."""

    visit = models.OneToOneField("attendance.TrialVisit", on_delete=models.CASCADE, related_name="+")
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="reminders")
    channel = models.CharField(max_length=16, blank=True, help_text="sms, telegram, or empty: not sent")
    result = models.CharField(max_length=255, blank=True, help_text="provider id, or why it was not sent")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"reminder of visit {self.visit_id} ({self.channel or 'not sent'})"

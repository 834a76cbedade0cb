"""The front office: leads (people who called, walked in or wrote), their append-only history, and
the trial-lesson reminders sent to them. A lead's trial booking itself is an attendance TrialVisit."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import TimeStamped


class Source(models.TextChoices):
    WALK_IN = "walk_in", _("Walk-in")
    PHONE_CALL = "phone_call", _("Phone call")
    INSTAGRAM = "instagram", _("Instagram")
    TELEGRAM = "telegram", _("Telegram")
    WEBSITE = "website", _("Website")
    REFERRAL = "referral", _("Referral")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    NEW = "new", _("New")
    CONTACTED = "contacted", _("Contacted")
    TRIAL_SCHEDULED = "trial_scheduled", _("Trial scheduled")
    TRIAL_ATTENDED = "trial_attended", _("Trial attended")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


CLOSED = (Status.WON, Status.LOST)


class Lead(TimeStamped):
    """Someone who may become a student. One open (not won, not lost) lead per phone: a repeat
    enquiry updates it. `trial_booked_at` (first booking) and `won_at` feed the funnel report."""

    Source = Source
    Status = Status

    first_name = models.CharField(max_length=80, verbose_name=_("first name"))
    last_name = models.CharField(max_length=80, blank=True, verbose_name=_("last name"))
    phone = models.CharField(max_length=16, db_index=True, verbose_name=_("phone"))
    email = models.EmailField(max_length=254, blank=True, verbose_name=_("email"))
    language = models.CharField(
        max_length=2, default="uz", help_text=_("for the texts sent to the lead"), verbose_name=_("language")
    )
    source = models.CharField(
        max_length=16, choices=Source.choices, default=Source.OTHER, verbose_name=_("source")
    )
    course = models.ForeignKey(
        "courses.Course",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leads",
        verbose_name=_("course"),
    )
    branch = models.ForeignKey(
        "courses.Branch",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leads",
        verbose_name=_("branch"),
    )
    preferred_times = models.CharField(max_length=255, blank=True, verbose_name=_("preferred times"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_leads",
        verbose_name=_("assignee"),
    )
    notes = models.TextField(blank=True, verbose_name=_("notes"))
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.NEW, verbose_name=_("status")
    )
    lost_reason = models.CharField(max_length=255, blank=True, verbose_name=_("lost reason"))
    trial_booked_at = models.DateTimeField(null=True, blank=True, verbose_name=_("trial booked at"))
    won_at = models.DateTimeField(null=True, blank=True, verbose_name=_("won at"))
    lost_at = models.DateTimeField(null=True, blank=True, verbose_name=_("lost at"))
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("student"),
    )
    membership = models.ForeignKey(
        "courses.Membership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("membership"),
    )

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
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
        CREATED = "created", _("Created")
        ENQUIRY = "enquiry", _("Repeat enquiry")
        STATUS = "status", _("Status change")
        CALL = "call", _("Call")
        SMS = "sms", _("SMS")
        TELEGRAM = "telegram", _("Telegram")
        NOTE = "note", _("Note")
        ASSIGNED = "assigned", _("Assigned")
        TRIAL_BOOKED = "trial_booked", _("Trial booked")
        CONVERTED = "converted", _("Converted")
        REMINDED = "reminded", _("Trial reminder sent")

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="events", verbose_name=_("lead"))
    kind = models.CharField(max_length=16, choices=Kind.choices, verbose_name=_("kind"))
    from_status = models.CharField(max_length=16, blank=True, verbose_name=_("from status"))
    to_status = models.CharField(max_length=16, blank=True, verbose_name=_("to status"))
    note = models.TextField(blank=True, verbose_name=_("note"))
    data = models.JSONField(default=dict, blank=True, verbose_name=_("data"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("lead event")
        verbose_name_plural = _("lead events")
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

    visit = models.OneToOneField(
        "attendance.TrialVisit", on_delete=models.CASCADE, related_name="+", verbose_name=_("visit")
    )
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("lead"))
    channel = models.CharField(
        max_length=16, blank=True, help_text=_("sms, telegram, or empty: not sent"), verbose_name=_("channel")
    )
    result = models.CharField(
        max_length=255,
        blank=True,
        help_text=_("provider id, or why it was not sent"),
        verbose_name=_("result"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("trial reminder")
        verbose_name_plural = _("trial reminders")

    def __str__(self) -> str:
        return f"reminder of visit {self.visit_id} ({self.channel or 'not sent'})"

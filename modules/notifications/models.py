from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from modules.notifications.kinds import Channel, Kind


class Notification(models.Model):
    """An in-app notification. Storing one sends `notification.created` on `user:<id>`."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("user"),
    )
    kind = models.CharField(max_length=32, choices=Kind.choices, db_index=True, verbose_name=_("kind"))
    title = models.CharField(max_length=200, verbose_name=_("title"))
    body = models.TextField(verbose_name=_("body"))
    data = models.JSONField(default=dict, blank=True, verbose_name=_("data"))
    broadcast = models.ForeignKey(
        "Broadcast",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
        verbose_name=_("broadcast"),
    )
    read_at = models.DateTimeField(null=True, blank=True, verbose_name=_("read at"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    # "kind:source:recipient" for notifications caused by an event: a retried or repeated reaction
    # task finds the key taken and notifies nobody twice (broadcasts use uniq_broadcast_user instead)
    dedupe_key = models.CharField(
        max_length=200, null=True, blank=True, unique=True, verbose_name=_("dedupe key")
    )

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notif_user_recent"),
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="notif_user_unread"),
        ]
        constraints = [
            # A broadcast reaches each person once, however often its fan-out task runs.
            models.UniqueConstraint(
                fields=["broadcast", "user"], condition=Q(broadcast__isnull=False), name="uniq_broadcast_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.user_id}"


class NotificationPreference(models.Model):
    """A user's override of their role's default for one kind on one channel."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("user"),
    )
    kind = models.CharField(max_length=32, choices=Kind.choices, verbose_name=_("kind"))
    channel = models.CharField(max_length=16, choices=Channel.choices, verbose_name=_("channel"))
    enabled = models.BooleanField(verbose_name=_("enabled"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "channel"], name="uniq_notification_preference")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}/{self.channel}={'on' if self.enabled else 'off'}"


class NotificationLog(models.Model):
    """One row per notification and external channel: its delivery attempts, provider id, outcome."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    notification = models.ForeignKey(
        Notification,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="logs",
        verbose_name=_("notification"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="notification_logs",
        verbose_name=_("user"),
    )
    kind = models.CharField(max_length=32, choices=Kind.choices, db_index=True, verbose_name=_("kind"))
    channel = models.CharField(
        max_length=16, choices=Channel.choices, db_index=True, verbose_name=_("channel")
    )
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True, verbose_name=_("status")
    )
    recipient = models.CharField(
        max_length=254,
        blank=True,
        help_text=_("chat id, phone or email address"),
        verbose_name=_("recipient"),
    )
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    next_attempt_at = models.DateTimeField(null=True, blank=True, verbose_name=_("next attempt at"))
    # A claim: the worker that set it owns the send until then; a crashed worker's claim expires.
    claimed_until = models.DateTimeField(null=True, blank=True, verbose_name=_("claimed until"))
    provider_message_id = models.CharField(
        max_length=128, blank=True, db_index=True, verbose_name=_("provider message id")
    )
    provider_status = models.CharField(max_length=32, blank=True, verbose_name=_("provider status"))
    error = models.TextField(blank=True, verbose_name=_("error"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("sent at"))
    delivered_at = models.DateTimeField(null=True, blank=True, verbose_name=_("delivered at"))

    class Meta:
        verbose_name = _("notification log")
        verbose_name_plural = _("notification logs")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["queued", "sending"]),
                name="notiflog_due",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"],
                condition=Q(notification__isnull=False),
                name="uniq_notification_channel",
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.status} #{self.pk}"


class TelegramLink(models.Model):
    """The Telegram chat a user linked through the bot. accounts' User has no chat field by design."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="telegram_link",
        verbose_name=_("user"),
    )
    chat_id = models.BigIntegerField(db_index=True, verbose_name=_("chat id"))
    username = models.CharField(max_length=64, blank=True, verbose_name=_("username"))
    linked_at = models.DateTimeField(auto_now_add=True, verbose_name=_("linked at"))

    class Meta:
        verbose_name = _("Telegram link")
        verbose_name_plural = _("Telegram links")

    def __str__(self) -> str:
        return f"{self.user_id} ↔ {self.chat_id}"


class TelegramLinkToken(models.Model):
    """A one-time deep-link token (stored hashed) that binds the chat pressing Start to its user."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    token_hash = models.CharField(max_length=64, unique=True, verbose_name=_("token hash"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    expires_at = models.DateTimeField(verbose_name=_("expires at"))
    used_at = models.DateTimeField(null=True, blank=True, verbose_name=_("used at"))

    class Meta:
        verbose_name = _("Telegram link token")
        verbose_name_plural = _("Telegram link tokens")


class Broadcast(models.Model):
    """An announcement. The API stores it and answers 202; the worker fans it out in bulk."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Fanned out")

    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="broadcasts",
        verbose_name=_("sender"),
    )
    title = models.CharField(max_length=200, verbose_name=_("title"))
    body = models.TextField(verbose_name=_("body"))
    # A plain id, not a foreign key: notifications sits above courses in the dependency graph and the
    # announcement stays a record of what was sent even if the group is later deleted.
    group_id = models.PositiveBigIntegerField(null=True, blank=True, verbose_name=_("group id"))
    roles = models.JSONField(default=list, blank=True, verbose_name=_("roles"))
    channels = models.JSONField(default=list, blank=True, verbose_name=_("channels"))
    recipients = models.PositiveIntegerField(default=0, verbose_name=_("recipients"))
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING, verbose_name=_("status")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    fanned_out_at = models.DateTimeField(null=True, blank=True, verbose_name=_("fanned out at"))

    class Meta:
        verbose_name = _("broadcast")
        verbose_name_plural = _("broadcasts")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from modules.notifications.kinds import Channel, Kind


class Notification(models.Model):
    """An in-app notification. Storing one sends `notification.created` on `user:<id>`."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=32, choices=Kind.choices, db_index=True)
    title = models.CharField(max_length=200)
    body = models.TextField()
    data = models.JSONField(default=dict, blank=True)
    broadcast = models.ForeignKey(
        "Broadcast", null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # "kind:source:recipient" for notifications caused by an event: a retried or repeated reaction
    # task finds the key taken and notifies nobody twice (broadcasts use uniq_broadcast_user instead)
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)

    class Meta:
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
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    enabled = models.BooleanField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "channel"], name="uniq_notification_preference")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}/{self.channel}={'on' if self.enabled else 'off'}"


class NotificationLog(models.Model):
    """One row per notification and external channel: its delivery attempts, provider id, outcome."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped"

    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.CASCADE, related_name="logs"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="notification_logs"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices, db_index=True)
    channel = models.CharField(max_length=16, choices=Channel.choices, db_index=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True)
    recipient = models.CharField(max_length=254, blank=True, help_text="chat id, phone or email address")
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # A claim: the worker that set it owns the send until then; a crashed worker's claim expires.
    claimed_until = models.DateTimeField(null=True, blank=True)
    provider_message_id = models.CharField(max_length=128, blank=True, db_index=True)
    provider_status = models.CharField(max_length=32, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
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
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="telegram_link"
    )
    chat_id = models.BigIntegerField(db_index=True)
    username = models.CharField(max_length=64, blank=True)
    linked_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user_id} ↔ {self.chat_id}"


class TelegramLinkToken(models.Model):
    """A one-time deep-link token (stored hashed) that binds the chat pressing Start to its user."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)


class Broadcast(models.Model):
    """An announcement. The API stores it and answers 202; the worker fans it out in bulk."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Fanned out"

    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="broadcasts"
    )
    title = models.CharField(max_length=200)
    body = models.TextField()
    # A plain id, not a foreign key: notifications sits above courses in the dependency graph and the
    # announcement stays a record of what was sent even if the group is later deleted.
    group_id = models.PositiveBigIntegerField(null=True, blank=True)
    roles = models.JSONField(default=list, blank=True)
    channels = models.JSONField(default=list, blank=True)
    recipients = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    fanned_out_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

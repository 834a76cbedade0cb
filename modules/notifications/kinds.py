"""Notification kinds and delivery channels: the vocabulary shared by models, catalog and preferences."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    ATTENDANCE_ABSENT = "attendance_absent", _("Absent from a lesson")
    ATTENDANCE_LATE = "attendance_late", _("Late to a lesson")
    ABSENCE_STREAK = "absence_streak", _("Consecutive absences")
    LESSON_RESCHEDULED = "lesson_rescheduled", _("Lesson rescheduled")
    LESSON_CANCELLED = "lesson_cancelled", _("Lesson cancelled")
    HOMEWORK_ASSIGNED = "homework_assigned", _("Homework assigned")
    HOMEWORK_REVIEWED = "homework_reviewed", _("Homework reviewed")
    HOMEWORK_DUE_24H = "homework_due_24h", _("Homework due in 24 hours")
    HOMEWORK_DUE_2H = "homework_due_2h", _("Homework due in 2 hours")
    HOMEWORK_MISSED = "homework_missed", _("Homework deadline missed")
    PAYMENT_CREATED = "payment_created", _("Invoice issued")
    PAYMENT_DUE_SOON = "payment_due_soon", _("Invoice due soon")
    PAYMENT_OVERDUE = "payment_overdue", _("Invoice overdue")
    PAYMENT_PAID = "payment_paid", _("Invoice paid")
    PAYMENT_REFUNDED = "payment_refunded", _("Payment refunded")
    ACHIEVEMENT_AWARDED = "achievement_awarded", _("Badge earned")
    REWARD_REDEEMED = "reward_redeemed", _("Reward redeemed")
    BROADCAST = "broadcast", _("Announcement")
    PASSWORD_RESET = "password_reset", _("Password reset")
    EMAIL_VERIFICATION = "email_verification", _("Email verification")


# Account emails carry one-time tokens: they are never stored in-app and only go by email.
ACCOUNT_KINDS = frozenset({Kind.PASSWORD_RESET, Kind.EMAIL_VERIFICATION})


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In-app")
    TELEGRAM = "telegram", _("Telegram")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("Email")


EXTERNAL_CHANNELS = (Channel.TELEGRAM, Channel.SMS, Channel.EMAIL)
# Channels that wake a phone: held back during the center's quiet hours (delayed, never dropped).
QUIET_CHANNELS = frozenset({Channel.TELEGRAM, Channel.SMS})

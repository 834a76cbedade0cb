"""Notification kinds and delivery channels: the vocabulary shared by models, catalog and preferences."""

from __future__ import annotations

from django.db import models


class Kind(models.TextChoices):
    ATTENDANCE_ABSENT = "attendance_absent", "Absent from a lesson"
    ATTENDANCE_LATE = "attendance_late", "Late to a lesson"
    ABSENCE_STREAK = "absence_streak", "Consecutive absences"
    LESSON_RESCHEDULED = "lesson_rescheduled", "Lesson rescheduled"
    LESSON_CANCELLED = "lesson_cancelled", "Lesson cancelled"
    HOMEWORK_ASSIGNED = "homework_assigned", "Homework assigned"
    HOMEWORK_REVIEWED = "homework_reviewed", "Homework reviewed"
    HOMEWORK_DUE_24H = "homework_due_24h", "Homework due in 24 hours"
    HOMEWORK_DUE_2H = "homework_due_2h", "Homework due in 2 hours"
    HOMEWORK_MISSED = "homework_missed", "Homework deadline missed"
    PAYMENT_CREATED = "payment_created", "Invoice issued"
    PAYMENT_DUE_SOON = "payment_due_soon", "Invoice due soon"
    PAYMENT_OVERDUE = "payment_overdue", "Invoice overdue"
    PAYMENT_PAID = "payment_paid", "Invoice paid"
    PAYMENT_REFUNDED = "payment_refunded", "Payment refunded"
    ACHIEVEMENT_AWARDED = "achievement_awarded", "Badge earned"
    REWARD_REDEEMED = "reward_redeemed", "Reward redeemed"
    BROADCAST = "broadcast", "Announcement"
    PASSWORD_RESET = "password_reset", "Password reset"
    EMAIL_VERIFICATION = "email_verification", "Email verification"


# Account emails carry one-time tokens: they are never stored in-app and only go by email.
ACCOUNT_KINDS = frozenset({Kind.PASSWORD_RESET, Kind.EMAIL_VERIFICATION})


class Channel(models.TextChoices):
    IN_APP = "in_app", "In-app"
    TELEGRAM = "telegram", "Telegram"
    SMS = "sms", "SMS"
    EMAIL = "email", "Email"


EXTERNAL_CHANNELS = (Channel.TELEGRAM, Channel.SMS, Channel.EMAIL)
# Channels that wake a phone: held back during the center's quiet hours (delayed, never dropped).
QUIET_CHANNELS = frozenset({Channel.TELEGRAM, Channel.SMS})

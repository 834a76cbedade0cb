"""Factories for modules.notifications.

NotificationFactory(user=student)                       # an unread in-app notification
TelegramLinkFactory(user=student, chat_id=42)
NotificationLogFactory(notification=n, channel="telegram", recipient="42")   # queued, due now
"""

from __future__ import annotations

import factory
from django.utils import timezone

from modules.notifications.models import Notification, NotificationLog, TelegramLink
from tests.factories.accounts import StudentFactory


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    user = factory.SubFactory(StudentFactory)
    kind = "broadcast"
    title = factory.Sequence(lambda n: f"Announcement {n}")
    body = "The center is open on Saturday."
    data = factory.LazyFunction(dict)


class TelegramLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TelegramLink

    user = factory.SubFactory(StudentFactory)
    chat_id = factory.Sequence(lambda n: 700000 + n)
    username = ""


class NotificationLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NotificationLog

    notification = factory.SubFactory(NotificationFactory)
    user = factory.LazyAttribute(lambda o: o.notification.user)
    kind = factory.LazyAttribute(lambda o: o.notification.kind)
    channel = "telegram"
    recipient = "4242"
    status = NotificationLog.Status.QUEUED
    next_attempt_at = factory.LazyFunction(timezone.now)

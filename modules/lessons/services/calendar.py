"""Private iCalendar feeds: a secret URL per user (students, parents, teachers) that calendar apps
poll without a login. Only the token's hash is stored; a new URL or a revoke kills the old one."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from core.exceptions import Conflict, PermissionDenied
from modules.accounts.models import User
from modules.lessons.models import CalendarFeed, Lesson
from modules.lessons.selectors import calendar_lessons

FEED_ROLES = (User.Role.STUDENT, User.Role.PARENT, User.Role.TEACHER)
PAST_DAYS = 60
FUTURE_DAYS = 183


@transaction.atomic
def calendar_feed_create(*, user: User) -> tuple[CalendarFeed, str]:
    """Makes a new feed URL token (revoking any live one). Returns the feed and the raw token."""
    if user.role not in FEED_ROLES:
        raise PermissionDenied(_("Calendar feeds are for students, parents and teachers."))
    CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    raw = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(user=user, token_hash=hashlib.sha256(raw.encode()).hexdigest())
    return feed, raw


def calendar_feed_revoke(*, user: User) -> None:
    revoked = CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if not revoked:
        raise Conflict(_("You have no calendar feed."), code="no_calendar_feed")


def _summary(lesson: Lesson) -> str:
    title = f"{lesson.group.name}: {lesson.topic}" if lesson.topic else lesson.group.name
    if lesson.kind == Lesson.Kind.MAKEUP:
        title = f"[make-up] {title}"
    return f"[cancelled] {title}" if lesson.status == Lesson.Status.CANCELLED else title


def _event(lesson: Lesson, stamp) -> Event:
    event = Event()
    event.add("uid", f"lesson-{lesson.pk}@markaz")
    event.add("dtstamp", stamp)
    event.add("dtstart", lesson.starts_at)
    event.add("dtend", lesson.ends_at)
    event.add("summary", _summary(lesson))
    where = [lesson.group.branch.name] + ([lesson.room.name] if lesson.room else [])
    event.add("location", ", ".join(where))
    teacher = lesson.teacher.full_name
    event.add("description", f"{lesson.group.course.name} with {teacher}")
    event.add("status", "CANCELLED" if lesson.status == Lesson.Status.CANCELLED else "CONFIRMED")
    event.add("last-modified", lesson.updated_at)
    return event


def calendar_render(*, feed: CalendarFeed) -> bytes:
    """The feed's user's lessons from 60 days ago to half a year ahead, as an iCalendar document."""
    now = timezone.now()
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
    cal = Calendar()
    cal.add("prodid", "-//Markaz//Lessons//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"Markaz: {feed.user.full_name}")
    lessons = calendar_lessons(
        feed.user, since=now - timedelta(days=PAST_DAYS), until=now + timedelta(days=FUTURE_DAYS)
    )
    for lesson in lessons.iterator(chunk_size=500):
        cal.add_component(_event(lesson, now))
    return cal.to_ical()

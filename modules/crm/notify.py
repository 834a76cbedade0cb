"""What the front office tells people: staff about a new web lead (in-app + Telegram), the lead
and the teacher the day before a trial (SMS, or Telegram when the lead's phone has a linked account;
in-app for the teacher), students and parents about a make-up. Users are reached through the
notifications module (preferences, delivery log, retries); a lead has no account, so its reminder
goes through the same provider clients directly, outside the center's quiet hours."""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from modules.accounts.models import User
from modules.accounts.phones import eskiz_phone
from modules.attendance.models import TrialVisit
from modules.courses.selectors import parent_ids_of
from modules.crm import texts
from modules.crm.models import CLOSED, Lead, LeadEvent, TrialReminder
from modules.lessons.models import Lesson
from modules.notifications.dispatch import Outgoing, notify
from modules.notifications.kinds import Channel, Kind
from modules.notifications.models import Notification, TelegramLink
from modules.notifications.preferences import quiet_until
from modules.notifications.providers import DeliveryError, eskiz, telegram
from modules.notifications.reactions.common import when

logger = logging.getLogger("markaz.crm")


def _already(event: str, key: str, value: int, user_ids) -> set[int]:
    """Users who already got this announcement (a rerun of the task skips them)."""
    return set(
        Notification.objects.filter(
            user_id__in=list(user_ids), kind=Kind.BROADCAST, **{"data__event": event, f"data__{key}": value}
        ).values_list("user_id", flat=True)
    )


def _announce(event: str, key: str, value: int, users, text_key: str, context_for, channels=None) -> int:
    users = [u for u in users if u.pk not in _already(event, key, value, [u.pk for u in users])]
    outgoing = []
    for user in users:
        title, body = texts.render(text_key, user.language, context_for(user))
        outgoing.append(Outgoing(user, {"title": title, "body": body}, {"event": event, key: value}))
    return len(notify(kind=Kind.BROADCAST, outgoing=outgoing, only_channels=channels))


def new_lead_announce(lead_id: int) -> int:
    """A new web lead → its assignee, or every active admin while it has none."""
    lead = Lead.objects.select_related("assignee", "course").filter(pk=lead_id).first()
    if lead is None or lead.status in CLOSED:
        return 0
    staff = (
        [lead.assignee] if lead.assignee else list(User.objects.filter(role=User.Role.ADMIN, is_active=True))
    )
    context = {"name": lead.full_name, "phone": lead.phone, "course": lead.course.name if lead.course else ""}
    return _announce(
        "lead_new",
        "lead_id",
        lead.pk,
        staff,
        "lead_new",
        lambda u: context,
        {Channel.IN_APP, Channel.TELEGRAM},
    )


def makeup_announce(lesson_id: int, student_ids: list[int]) -> int:
    """A make-up booked → the students and their parents (their usual channels for announcements)."""
    lesson = Lesson.objects.select_related("group").filter(pk=lesson_id).first()
    if lesson is None or lesson.status == Lesson.Status.CANCELLED:
        return 0
    students = {u.pk: u for u in User.objects.filter(pk__in=student_ids, is_active=True)}
    parents = User.objects.filter(pk__in=parent_ids_of(list(students)), is_active=True).prefetch_related(
        "children"
    )
    people = list(students.values()) + list(parents)
    names = {sid: s.full_name for sid, s in students.items()}

    def context(user) -> dict:
        who = (
            user.full_name
            if user.pk in students
            else ", ".join(names[c.pk] for c in user.children.all() if c.pk in names)
        )
        return {"student": who, "group": lesson.group.name, "when": when(lesson.starts_at)}

    return _announce("makeup_booked", "lesson_id", lesson.pk, people, "makeup", context)


# --- the day before a trial -----------------------------------------------------------------------


def _tomorrow(now: datetime) -> tuple[datetime, datetime]:
    tz = timezone.get_default_timezone()
    day = timezone.localtime(now, tz).date() + timedelta(days=1)
    start = timezone.make_aware(datetime.combine(day, time.min), tz)
    return start, start + timedelta(days=1)


def _due_visits(now: datetime):
    start, end = _tomorrow(now)
    return (
        TrialVisit.objects.filter(
            status__isnull=True,
            lesson__status=Lesson.Status.SCHEDULED,
            lesson__starts_at__gte=start,
            lesson__starts_at__lt=end,
        )
        .exclude(pk__in=TrialReminder.objects.values("visit_id"))
        .select_related("lesson__group__branch", "lesson__teacher")
    )


def _send_to_lead(lead: Lead, visit: TrialVisit) -> tuple[str, str]:
    """(channel, provider id or the reason it was not sent)."""
    lesson = visit.lesson
    context = {
        "name": lead.first_name,
        "when": when(lesson.starts_at),
        "group": lesson.group.name,
        "branch": lesson.group.branch.name,
    }
    _, body = texts.render("trial_lead", lead.language, context)
    chat = (
        TelegramLink.objects.filter(user__phone=lead.phone, user__is_active=True)
        .values_list("chat_id", flat=True)
        .first()
    )
    try:
        if chat and telegram.enabled():
            return "telegram", telegram.send_message(chat, body, parse_mode=None)
        return "sms", eskiz.send_sms(eskiz_phone(lead.phone), body)
    except DeliveryError as exc:
        logger.warning("trial reminder of lead %s not sent: %s", lead.pk, exc)
        return "", str(exc)[:255]


def _tell_teacher(lead: Lead, visit: TrialVisit) -> None:
    lesson = visit.lesson
    context = {"name": lead.full_name, "group": lesson.group.name, "when": when(lesson.starts_at)}
    _announce(
        "trial_tomorrow",
        "visit_id",
        visit.pk,
        [lesson.teacher],
        "trial_teacher",
        lambda u: context,
        {Channel.IN_APP},
    )


def trial_reminders_send(*, now: datetime | None = None) -> dict:
    """Reminds tomorrow's trial guests and their teachers, once per visit (a TrialReminder row is
    the claim, taken before the provider call). During quiet hours nothing is sent: the next run
    after them does it."""
    now = now or timezone.now()
    if quiet_until(now) is not None:
        return {"held": True, "sent": 0}
    sent = 0
    for visit in _due_visits(now):
        lead = Lead.objects.filter(pk=visit.lead_id).exclude(status__in=CLOSED).first()
        if lead is None:
            continue
        with transaction.atomic():
            reminder, claimed = TrialReminder.objects.get_or_create(visit=visit, defaults={"lead": lead})
            if not claimed:
                continue
            _tell_teacher(lead, visit)
        channel, result = _send_to_lead(lead, visit)
        TrialReminder.objects.filter(pk=reminder.pk).update(channel=channel, result=result)
        LeadEvent.objects.create(
            lead=lead,
            kind=LeadEvent.Kind.REMINDED,
            note=result if not channel else "",
            data={"visit_id": visit.pk, "channel": channel},
        )
        sent += bool(channel)
    return {"held": False, "sent": sent}

"""notify(): in-app rows, the realtime event, preferences with role defaults, quiet hours, skipped
channels, email rendering, and templates in three languages."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from modules.center.selectors import center_zone
from modules.notifications import catalog, tasks
from modules.notifications.dispatch import Outgoing, notify
from modules.notifications.kinds import ACCOUNT_KINDS, Kind
from modules.notifications.models import Notification, NotificationLog, NotificationPreference
from modules.notifications.preferences import channels_for, quiet_until
from realtime.publish import drain_publications
from tests.factories.accounts import ParentFactory, StudentFactory, TeacherFactory
from tests.factories.notifications import TelegramLinkFactory
from tests.notifications.conftest import SEND_PATH, make_due, sent_requests, tg_ok

Status = NotificationLog.Status
CTX = {"student": "Sam Student", "group": "English B1", "when": "25.11.2026 10:00"}


def logs_of(user) -> dict[str, NotificationLog]:
    return {log.channel: log for log in NotificationLog.objects.filter(user=user)}


def test_stores_in_app_and_publishes_after_commit(student, run_on_commit):
    with mock.patch("realtime.publish.send_many_now") as send_many, run_on_commit():
        [note] = notify(kind=Kind.ATTENDANCE_ABSENT, outgoing=[Outgoing(student, CTX, {"lesson_id": 5})])
        assert send_many.call_count == 0  # nothing leaves before the commit
    assert note.title == "Absence: Sam Student"
    assert note.body == "Sam Student was absent from English B1 on 25.11.2026 10:00."
    [(envelope, _text)] = send_many.call_args.args[0]
    assert envelope["type"] == "notification.created" and envelope["channel"] == f"user:{student.pk}"
    assert envelope["data"]["id"] == note.pk and envelope["data"]["read"] is False
    assert envelope["data"]["data"] == {"lesson_id": 5}


def test_role_defaults_decide_channels(db, center_settings):
    parent, teacher = ParentFactory(), TeacherFactory()
    channels = channels_for([parent, teacher], Kind.ATTENDANCE_ABSENT)
    assert channels[parent.pk] == {"in_app", "telegram", "sms"}
    assert channels[teacher.pk] == {"in_app", "telegram", "email"}
    center_settings.notification_defaults = {**center_settings.notification_defaults, "parent": ["in_app"]}
    center_settings.save()
    assert channels_for([parent], Kind.ATTENDANCE_ABSENT)[parent.pk] == {"in_app"}


def test_user_preferences_override_defaults_per_kind(parent, telegram_api, eskiz_api):
    NotificationPreference.objects.create(
        user=parent, kind=Kind.ATTENDANCE_ABSENT, channel="sms", enabled=False
    )
    NotificationPreference.objects.create(
        user=parent, kind=Kind.ATTENDANCE_ABSENT, channel="email", enabled=True
    )
    notify(kind=Kind.ATTENDANCE_ABSENT, outgoing=[Outgoing(parent, CTX)])
    assert set(logs_of(parent)) == {"telegram", "email"}
    NotificationLog.objects.all().delete()
    notify(kind=Kind.PAYMENT_CREATED, outgoing=[Outgoing(parent, CTX)])  # other kinds keep the defaults
    assert set(logs_of(parent)) == {"telegram", "sms"}


def test_muted_in_app_is_kept_read_and_not_pushed(student, run_on_commit):
    NotificationPreference.objects.create(user=student, kind=Kind.BROADCAST, channel="in_app", enabled=False)
    with mock.patch("realtime.publish.send_now") as send_now, run_on_commit():
        [note] = notify(kind=Kind.BROADCAST, outgoing=[Outgoing(student, {"title": "T", "body": "B"})])
    assert note.read_at is not None
    assert send_now.call_count == 0


def test_missing_addresses_and_disabled_providers_are_skipped(db, settings):
    settings.TELEGRAM_BOT_TOKEN = ""
    settings.ESKIZ_EMAIL = ""
    parent = ParentFactory(email=None)
    NotificationPreference.objects.create(user=parent, kind=Kind.PAYMENT_PAID, channel="email", enabled=True)
    notify(kind=Kind.PAYMENT_PAID, outgoing=[Outgoing(parent, CTX)])
    logs = logs_of(parent)
    assert {c: (log.status, log.error) for c, log in logs.items()} == {
        "telegram": (Status.SKIPPED, "provider disabled: Telegram is not configured"),
        "sms": (Status.SKIPPED, "provider disabled: Eskiz is not configured"),
        "email": (Status.SKIPPED, "no email address"),
    }


def test_deliveries_run_after_commit(telegram_api, run_on_commit):
    telegram_api.expect_request(SEND_PATH).respond_with_json(tg_ok())
    link = TelegramLinkFactory(user=StudentFactory())
    with run_on_commit():
        notify(kind=Kind.HOMEWORK_ASSIGNED, outgoing=[Outgoing(link.user, {"title": "Essay"})])
    log = logs_of(link.user)["telegram"]
    assert log.status == Status.SENT and log.recipient == str(link.chat_id)
    assert len(sent_requests(telegram_api, SEND_PATH)) == 1


# --- quiet hours ----------------------------------------------------------------------------------


def _quiet_around_now(center_settings):
    local = timezone.now().astimezone(center_zone())
    center_settings.quiet_hours_start = (local - timedelta(hours=1)).time().replace(second=0, microsecond=0)
    center_settings.quiet_hours_end = (local + timedelta(hours=1)).time().replace(second=0, microsecond=0)
    center_settings.save()


def test_quiet_hours_hold_sms_and_telegram_but_not_in_app_or_email(
    center_settings, telegram_api, eskiz_api, run_on_commit
):
    _quiet_around_now(center_settings)
    parent = ParentFactory()
    TelegramLinkFactory(user=parent)
    NotificationPreference.objects.create(
        user=parent, kind=Kind.PAYMENT_OVERDUE, channel="email", enabled=True
    )
    with run_on_commit():
        [note] = notify(kind=Kind.PAYMENT_OVERDUE, outgoing=[Outgoing(parent, CTX)])
    assert note.read_at is None  # in-app is immediate
    logs = logs_of(parent)
    assert logs["email"].status == Status.SENT and len(mail.outbox) == 1
    for channel in ("telegram", "sms"):
        held = logs[channel]
        assert held.status == Status.QUEUED and held.attempts == 0
        assert held.next_attempt_at > timezone.now() + timedelta(minutes=55)
    assert telegram_api.log == []  # delayed, not dropped and not sent
    with run_on_commit():
        assert tasks.dispatch_due_deliveries() == 0


def test_held_messages_go_out_when_quiet_hours_end(center_settings, telegram_api, run_on_commit):
    _quiet_around_now(center_settings)
    telegram_api.expect_request(SEND_PATH).respond_with_json(tg_ok())
    link = TelegramLinkFactory(user=StudentFactory())
    with run_on_commit():
        notify(kind=Kind.LESSON_CANCELLED, outgoing=[Outgoing(link.user, {"group": "B1"})])
    held = logs_of(link.user)["telegram"]
    NotificationLog.objects.filter(pk=held.pk).update(created_at=timezone.now() - timedelta(hours=2))
    make_due(held)
    with run_on_commit():
        assert tasks.dispatch_due_deliveries() == 1
    held.refresh_from_db()
    assert held.status == Status.SENT


@pytest.mark.parametrize(
    ("start", "end", "local", "until"),
    [
        ("22:00", "08:00", "23:30", "2026-11-26 08:00"),  # spans midnight, evening side
        ("22:00", "08:00", "03:00", "2026-11-25 08:00"),  # spans midnight, morning side
        ("22:00", "08:00", "12:00", None),
        ("13:00", "14:00", "13:30", "2026-11-25 14:00"),
        ("13:00", "14:00", "14:00", None),  # the end is exclusive
        ("00:00", "00:00", "03:00", None),  # equal: no quiet hours
    ],
)
def test_quiet_window_in_the_center_zone(center_settings, start, end, local, until):
    from datetime import datetime, time

    tz = ZoneInfo("Asia/Tashkent")
    center_settings.quiet_hours_start = time.fromisoformat(start)
    center_settings.quiet_hours_end = time.fromisoformat(end)
    center_settings.save()
    now = datetime.fromisoformat(f"2026-11-25 {local}").replace(tzinfo=tz)
    expected = datetime.fromisoformat(until).replace(tzinfo=tz) if until else None
    assert quiet_until(now.astimezone(ZoneInfo("UTC"))) == expected


# --- email and templates --------------------------------------------------------------------------


def test_email_is_rendered_from_the_text_template_in_the_users_language(db, run_on_commit):
    teacher = TeacherFactory(language="ru", first_name="Olim", email="olim@example.uz")
    with run_on_commit():
        notify(
            kind=Kind.LESSON_CANCELLED,
            outgoing=[Outgoing(teacher, {"group": "B1", "when": "01.12.2026 10:00"})],
        )
    [message] = mail.outbox
    assert message.to == ["olim@example.uz"]
    assert message.subject == "Занятие отменено: B1"
    assert message.body.startswith("Здравствуйте, Olim!\n\nЗанятие B1 01.12.2026 10:00 отменено.")
    assert "настройкам уведомлений" in message.body
    assert logs_of(teacher)["email"].status == Status.SENT


@pytest.mark.parametrize("language", ["uz", "ru", "en"])
def test_every_kind_has_a_text_in_every_language(language):
    texts = catalog.LANGUAGES[language].TEXTS
    assert set(texts) == set(Kind.values)
    context = {
        k: f"<{k}>"
        for k in ("student", "group", "when", "old_when", "title", "body", "due", "amount", "badge")
    }
    for kind in Kind.values:
        rendered = catalog.render(kind, language, context)
        assert rendered.title and rendered.body, kind
        assert "{" not in rendered.title + rendered.body, kind


def test_the_recipients_language_chooses_the_text(db):
    people = [StudentFactory(language=lang) for lang in ("uz", "ru", "en")]
    notes = notify(
        kind=Kind.PAYMENT_PAID, outgoing=[Outgoing(p, {"student": "Ali", "amount": "10 UZS"}) for p in people]
    )
    assert [n.title for n in notes] == ["To'lov qabul qilindi", "Оплата получена", "Payment received"]
    assert notes[0].body == "Rahmat! Ali uchun 10 UZS to'landi."


def test_a_missing_placeholder_renders_empty_instead_of_failing():
    assert catalog.render("payment_paid", "en", {}).body == "Thank you!  for  has been paid."


def test_account_emails_are_localized_logged_and_replace_accounts_mailer(db, run_on_commit):
    from django.utils import timezone

    from modules.accounts.services import password_reset_request

    # reset links go only to a verified address
    user = StudentFactory(
        language="uz", first_name="Aziz", email="aziz@example.uz", email_verified_at=timezone.now()
    )
    with run_on_commit():
        password_reset_request(login="aziz@example.uz")
    [message] = mail.outbox  # exactly one: accounts did not send its own
    assert message.subject == "Markaz parolini tiklash"
    assert "Assalomu alaykum, Aziz!" in message.body and "reset-password?token=" in message.body
    log = NotificationLog.objects.get(user=user)
    assert (log.kind, log.channel, log.status, log.notification) == (
        "password_reset",
        "email",
        Status.SENT,
        None,
    )
    assert log.updated_at == log.sent_at  # the send moved the row's updated_at with it
    assert not Notification.objects.filter(user=user).exists()  # tokens never land in-app
    assert {"password_reset", "email_verification"} == ACCOUNT_KINDS


def test_many_notifications_publish_in_one_pass_after_commit(db, run_on_commit):
    import json

    class Layer:
        def __init__(self):
            self.sent = []

        async def group_send(self, group, message):
            self.sent.append((group, json.loads(message["text"])))

    people = StudentFactory.create_batch(3)
    layer = Layer()
    with mock.patch("realtime.publish.get_channel_layer", return_value=layer), run_on_commit():
        notes = notify(
            kind=Kind.BROADCAST, outgoing=[Outgoing(p, {"title": "Hi", "body": "All"}) for p in people]
        )
        assert layer.sent == []  # nothing before the commit
    assert drain_publications()  # publishing does not wait for the layer; the test does
    assert [group for group, _ in layer.sent] == [f"rt.user.{p.pk}" for p in people]
    for (_, event), person, note in zip(layer.sent, people, notes, strict=True):
        assert event["type"] == "notification.created" and event["channel"] == f"user:{person.pk}"
        assert event["data"]["id"] == note.pk and event["data"]["title"] == "Hi"

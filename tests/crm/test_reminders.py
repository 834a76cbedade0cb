"""The day before a trial: the lead by SMS (Eskiz, a local fake server) or Telegram when its phone
has a linked account, the teacher in-app; once per visit; never during quiet hours."""

from __future__ import annotations

from datetime import time, timedelta

import pytest

from modules.crm.models import LeadEvent, TrialReminder
from modules.crm.notify import trial_reminders_send
from modules.crm.services.trials import lead_book_trial
from modules.notifications.models import Notification, TelegramLink
from tests.factories.accounts import StudentFactory
from tests.factories.courses import local_dt, local_today
from tests.factories.lessons import LessonFactory

LOGIN, SEND = "/api/auth/login", "/api/message/sms/send"
BOT = "123456:TEST-token"


@pytest.fixture
def eskiz(httpserver, settings):
    settings.ESKIZ_EMAIL, settings.ESKIZ_PASSWORD = "center@example.uz", "eskiz-pass"
    settings.ESKIZ_BASE_URL = httpserver.url_for("/api")
    httpserver.expect_request(LOGIN, method="POST").respond_with_json({"data": {"token": "tok"}})
    httpserver.expect_request(SEND, method="POST").respond_with_json({"id": "sms-1", "status": "waiting"})
    return httpserver


@pytest.fixture
def tomorrow_trial(admin, group, lead):
    lesson = LessonFactory(group=group, starts_at=local_dt(local_today() + timedelta(days=1), time(14, 0)))
    return lead_book_trial(lead=lead, lesson=lesson, actor=admin)


def _sms(httpserver) -> list:
    return [req for req, _ in httpserver.log if req.path == SEND]


def _noon():
    return local_dt(local_today(), time(12, 0))


def test_lead_gets_an_sms_and_the_teacher_an_in_app_note_once(eskiz, teacher, lead, tomorrow_trial):
    assert trial_reminders_send(now=_noon()) == {"held": False, "sent": 1}
    sent = _sms(eskiz)
    assert len(sent) == 1
    assert sent[0].form["mobile_phone"] == lead.phone.lstrip("+")
    assert (
        "tomorrow" in sent[0].form["message"] and tomorrow_trial.lesson.group.name in sent[0].form["message"]
    )
    note = Notification.objects.get(user=teacher)
    assert note.data == {"event": "trial_tomorrow", "visit_id": tomorrow_trial.pk}
    assert note.read_at is None  # in-app
    reminder = TrialReminder.objects.get(visit=tomorrow_trial)
    assert (reminder.channel, reminder.result) == ("sms", "sms-1")
    assert LeadEvent.objects.filter(lead=lead, kind="reminded").count() == 1
    assert trial_reminders_send(now=_noon()) == {"held": False, "sent": 0}
    assert len(_sms(eskiz)) == 1 and Notification.objects.filter(user=teacher).count() == 1


def test_quiet_hours_hold_the_reminder(eskiz, center_settings, tomorrow_trial):
    center_settings.quiet_hours_start, center_settings.quiet_hours_end = time(21, 0), time(8, 0)
    center_settings.save()
    late = local_dt(local_today(), time(22, 30))
    assert trial_reminders_send(now=late) == {"held": True, "sent": 0}
    assert _sms(eskiz) == [] and not TrialReminder.objects.exists()
    assert trial_reminders_send(now=_noon())["sent"] == 1


def test_a_linked_telegram_chat_is_used_instead_of_sms(httpserver, settings, lead, tomorrow_trial):
    settings.TELEGRAM_BOT_TOKEN = BOT
    settings.TELEGRAM_API_BASE = httpserver.url_for("").rstrip("/")
    settings.TELEGRAM_MAX_PER_SECOND = 0
    httpserver.expect_request(f"/bot{BOT}/sendMessage").respond_with_json(
        {"ok": True, "result": {"message_id": 7, "chat": {"id": 42}, "text": "x"}}
    )
    TelegramLink.objects.create(user=StudentFactory(phone=lead.phone), chat_id=42)
    trial_reminders_send(now=_noon())
    assert TrialReminder.objects.get().channel == "telegram"
    assert [r.path for r, _ in httpserver.log] == [f"/bot{BOT}/sendMessage"]


def test_without_a_provider_the_reason_is_kept(lead, tomorrow_trial):
    assert trial_reminders_send(now=_noon())["sent"] == 0
    reminder = TrialReminder.objects.get()
    assert reminder.channel == "" and "not configured" in reminder.result


def test_only_tomorrows_open_unmarked_trials(eskiz, admin, group, lead):
    lead_book_trial(
        lead=lead,
        lesson=LessonFactory(group=group, starts_at=local_dt(local_today() + timedelta(days=2))),
        actor=admin,
    )
    assert trial_reminders_send(now=_noon())["sent"] == 0


def test_the_reminder_job_is_declared_hourly():
    from core.management.commands.sync_schedules import declared_jobs

    spec = next(s for s in declared_jobs() if s.name == "crm.trial_reminders")
    assert (spec.func, spec.minutes) == ("modules.crm.tasks.send_trial_reminders", 60)

"""Front-office tasks (django-q2). Each takes ids, reads the current state and is idempotent."""

from __future__ import annotations

from modules.crm import notify
from modules.crm.services.trials import lead_apply_trial_mark


def apply_trial_marks(visit_ids: list[int]) -> list[str | None]:
    """Marked trial guests → their leads' statuses."""
    return [lead_apply_trial_mark(visit_id=visit_id) for visit_id in visit_ids]


def notify_new_lead(lead_id: int) -> int:
    return notify.new_lead_announce(lead_id)


def notify_makeup(lesson_id: int, student_ids: list[int]) -> int:
    return notify.makeup_announce(lesson_id, student_ids)


def send_trial_reminders() -> dict:
    """Hourly: tomorrow's trials (outside quiet hours; each visit once)."""
    return notify.trial_reminders_send()

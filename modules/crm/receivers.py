"""The front office hears attendance (a trial guest was marked) and lessons (a make-up was booked).
Receivers only queue a task with ids; the task reads the current state."""

from __future__ import annotations

from core.tasks import enqueue


def on_trial_marked(sender, event, **kwargs) -> None:
    enqueue("modules.crm.tasks.apply_trial_marks", list(event.visit_ids))


def on_makeup_booked(sender, event, **kwargs) -> None:
    enqueue("modules.crm.tasks.notify_makeup", event.lesson_id, list(event.student_ids))


def connect() -> None:
    from modules.attendance.signals import trial_marked
    from modules.lessons.signals import makeup_booked

    trial_marked.connect(on_trial_marked, dispatch_uid="crm.trial_marked")
    makeup_booked.connect(on_makeup_booked, dispatch_uid="crm.makeup_booked")

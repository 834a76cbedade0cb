"""What gamification does when attendance, homework, payments and courses send their signals
(connected in GamificationConfig.ready()): nothing but enqueue a task with the event's ids. The task
row is written in the sender's transaction (core.tasks.enqueue), and the task reads current state."""

from __future__ import annotations

from core.tasks import enqueue
from modules.gamification.services.leaderboards import leaderboard_touch

TASKS = "modules.gamification.tasks"


def on_attendance_marked(sender, event, **kwargs) -> None:
    enqueue(f"{TASKS}.apply_attendance", event.lesson_id, list(event.student_ids), event.actor_id)


def on_homework_reviewed(sender, event, **kwargs) -> None:
    enqueue(f"{TASKS}.apply_homework", event.submission_id, event.actor_id)


def on_payment_changed(sender, event, **kwargs) -> None:
    """Paid or refunded: the task reads which it is now."""
    enqueue(f"{TASKS}.apply_payment", event.payment_id)


def on_membership_changed(sender, event, **kwargs) -> None:
    # a student joined or left: the group's leaderboard lists its current members (a debounced enqueue)
    leaderboard_touch(event.group_id)


def connect() -> None:
    from modules.attendance.signals import attendance_marked
    from modules.courses.signals import membership_changed
    from modules.homework.signals import homework_reviewed
    from modules.payments.signals import payment_paid, payment_refunded

    attendance_marked.connect(on_attendance_marked, dispatch_uid="gamification.attendance_marked")
    homework_reviewed.connect(on_homework_reviewed, dispatch_uid="gamification.homework_reviewed")
    payment_paid.connect(on_payment_changed, dispatch_uid="gamification.payment_paid")
    payment_refunded.connect(on_payment_changed, dispatch_uid="gamification.payment_refunded")
    membership_changed.connect(on_membership_changed, dispatch_uid="gamification.membership_changed")

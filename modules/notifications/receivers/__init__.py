"""Receivers of other modules' signals, connected in NotificationsConfig.ready(). Each does nothing
but enqueue a reaction task with the event's ids (written in the sender's transaction by
core.tasks.enqueue); the task builds the notifications in the worker. The one exception is the
account email, which accounts already asks for from inside its own task (receivers/accounts.py)."""

from __future__ import annotations

from core.tasks import enqueue

TASK = "modules.notifications.tasks.react"


def on_attendance_marked(sender, event, **kwargs):
    enqueue(TASK, "attendance_marked", lesson_id=event.lesson_id, student_ids=list(event.student_ids))


def on_lesson_changed(sender, event, **kwargs):
    if event.change in ("rescheduled", "cancelled"):
        enqueue(
            TASK,
            "lesson_changed",
            lesson_id=event.lesson_id,
            change=event.change,
            previous_starts_at=event.previous_starts_at,
            reason=event.reason,
        )


def on_homework_assigned(sender, event, **kwargs):
    enqueue(TASK, "homework_assigned", homework_id=event.homework_id)


def on_homework_reviewed(sender, event, **kwargs):
    enqueue(TASK, "homework_reviewed", submission_id=event.submission_id)


def on_homework_deadline(sender, event, **kwargs):
    enqueue(
        TASK,
        "homework_deadline",
        homework_id=event.homework_id,
        student_ids=list(event.student_ids),
        kind=event.kind,
    )


def on_payment_created(sender, event, **kwargs):
    enqueue(TASK, "payments", which="created", payment_ids=list(event.payment_ids))


def on_payment_due_soon(sender, event, **kwargs):
    enqueue(TASK, "payments", which="due_soon", payment_ids=[event.payment_id], days=event.days)


def on_payment_overdue(sender, event, **kwargs):
    enqueue(TASK, "payments", which="overdue", payment_ids=list(event.payment_ids))


def on_payment_paid(sender, event, **kwargs):
    enqueue(TASK, "payments", which="paid", payment_ids=[event.payment_id])


def on_payment_refunded(sender, event, **kwargs):
    enqueue(TASK, "payments", which="refunded", payment_ids=[event.payment_id])


def on_achievement_awarded(sender, event, **kwargs):
    enqueue(TASK, "achievement_awarded", achievement_id=event.achievement_id)


def on_reward_redeemed(sender, event, **kwargs):
    enqueue(TASK, "reward_redeemed", redemption_id=event.redemption_id)


def connect() -> None:
    from modules.accounts.signals import account_email_requested
    from modules.attendance.signals import attendance_marked
    from modules.gamification.signals import achievement_awarded, reward_redeemed
    from modules.homework.signals import homework_assigned, homework_deadline, homework_reviewed
    from modules.lessons.signals import lesson_changed
    from modules.notifications.receivers import accounts
    from modules.payments.signals import (
        payment_created,
        payment_due_soon,
        payment_overdue,
        payment_paid,
        payment_refunded,
    )

    pairs = [
        (account_email_requested, accounts.on_account_email_requested),
        (attendance_marked, on_attendance_marked),
        (lesson_changed, on_lesson_changed),
        (homework_assigned, on_homework_assigned),
        (homework_reviewed, on_homework_reviewed),
        (homework_deadline, on_homework_deadline),
        (payment_created, on_payment_created),
        (payment_due_soon, on_payment_due_soon),
        (payment_overdue, on_payment_overdue),
        (payment_paid, on_payment_paid),
        (payment_refunded, on_payment_refunded),
        (achievement_awarded, on_achievement_awarded),
        (reward_redeemed, on_reward_redeemed),
    ]
    for signal, receiver in pairs:
        signal.connect(receiver, dispatch_uid=f"notifications.{receiver.__module__}.{receiver.__name__}")

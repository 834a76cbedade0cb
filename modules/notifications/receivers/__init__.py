"""Receivers of other modules' signals, connected in NotificationsConfig.ready(). Each does little
inside the sender's transaction: bulk-creates Notification and log rows and queues deliveries on commit."""

from __future__ import annotations


def connect() -> None:
    from modules.accounts.signals import account_email_requested
    from modules.attendance.signals import attendance_marked
    from modules.gamification.signals import achievement_awarded, reward_redeemed
    from modules.homework.signals import homework_assigned, homework_deadline, homework_reviewed
    from modules.lessons.signals import lesson_changed
    from modules.notifications.receivers import (
        accounts,
        attendance,
        gamification,
        homework,
        lessons,
        payments,
    )
    from modules.payments.signals import (
        payment_created,
        payment_due_soon,
        payment_overdue,
        payment_paid,
        payment_refunded,
    )

    pairs = [
        (account_email_requested, accounts.on_account_email_requested),
        (attendance_marked, attendance.on_attendance_marked),
        (lesson_changed, lessons.on_lesson_changed),
        (homework_assigned, homework.on_homework_assigned),
        (homework_reviewed, homework.on_homework_reviewed),
        (homework_deadline, homework.on_homework_deadline),
        (payment_created, payments.on_payment_created),
        (payment_due_soon, payments.on_payment_due_soon),
        (payment_overdue, payments.on_payment_overdue),
        (payment_paid, payments.on_payment_paid),
        (payment_refunded, payments.on_payment_refunded),
        (achievement_awarded, gamification.on_achievement_awarded),
        (reward_redeemed, gamification.on_reward_redeemed),
    ]
    for signal, receiver in pairs:
        signal.connect(receiver, dispatch_uid=f"notifications.{receiver.__module__}.{receiver.__name__}")

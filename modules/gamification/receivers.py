"""What gamification does when attendance, homework and payments send their signals (connected in
GamificationConfig.ready()). Each receiver is idempotent: see services.ledger.source_reconcile."""

from __future__ import annotations

from modules.gamification import services


def on_attendance_marked(sender, lesson, changes, actor=None, **kwargs) -> None:
    if changes:
        services.attendance_apply(lesson=lesson, changes=changes, actor_id=getattr(actor, "pk", None))


def on_homework_reviewed(sender, submission, previous_score=None, actor=None, **kwargs) -> None:
    # previous_score is not needed: the coins follow the current score, and a lowered score
    # writes the compensating row (source_reconcile compares with what was already given)
    services.homework_apply(submission=submission, actor_id=getattr(actor, "pk", None))


def on_payment_paid(sender, payment, on_time, **kwargs) -> None:
    services.payment_apply(payment=payment, on_time=bool(on_time))


def on_payment_refunded(sender, payment, **kwargs) -> None:
    services.payment_apply(payment=payment, on_time=False)


def on_membership_changed(sender, membership, change=None, actor=None, **kwargs) -> None:
    # a student joined or left: the group's leaderboard lists its current members
    services.leaderboard_touch(membership.group_id)


def connect() -> None:
    from modules.attendance.signals import attendance_marked
    from modules.courses.signals import membership_changed
    from modules.homework.signals import homework_reviewed
    from modules.payments.signals import payment_paid, payment_refunded

    attendance_marked.connect(on_attendance_marked, dispatch_uid="gamification.attendance_marked")
    homework_reviewed.connect(on_homework_reviewed, dispatch_uid="gamification.homework_reviewed")
    payment_paid.connect(on_payment_paid, dispatch_uid="gamification.payment_paid")
    payment_refunded.connect(on_payment_refunded, dispatch_uid="gamification.payment_refunded")
    membership_changed.connect(on_membership_changed, dispatch_uid="gamification.membership_changed")

"""Domain actions: the other modules' signals say what a write meant ("lesson.cancelled",
"attendance.marked"), which a bare "update" row cannot. Each becomes one entry beside the field-level
ones, written only for writes made through the API or the admin (an open audit context)."""

from __future__ import annotations

from typing import Any

from modules.attendance.signals import attendance_marked
from modules.audit import services
from modules.audit.context import current
from modules.audit.snapshots import jsonable, model_label, short_repr
from modules.courses.signals import membership_changed
from modules.gamification.signals import reward_redemption_changed
from modules.homework.signals import homework_reviewed
from modules.lessons.signals import lesson_changed
from modules.payments.signals import payment_cancelled, payment_paid, payment_refunded


def record(action: str, obj, changes: dict[str, Any] | None = None, actor=None) -> None:
    ctx = current()
    if ctx is None or obj is None:
        return
    services.audit_entry_create(
        ctx=ctx,
        action=action,
        object_type=model_label(type(obj)),
        object_id=obj.pk,
        object_repr=short_repr(obj),
        changes=jsonable(changes or {}),
        actor=actor,
    )


def on_lesson_changed(sender, lesson, change, actor=None, previous_starts_at=None, reason="", **kwargs):
    changes: dict[str, Any] = {"reason": reason} if reason else {}
    if previous_starts_at is not None:
        changes["starts_at"] = [previous_starts_at, getattr(lesson, "starts_at", None)]
    record(f"lesson.{change}", lesson, changes, actor)


def on_attendance_marked(sender, lesson, changes, actor=None, **kwargs):
    record("attendance.marked", lesson, {"records": changes}, actor)


def on_membership_changed(sender, membership, change, actor=None, **kwargs):
    record(f"membership.{change}", membership, {}, actor)


def on_homework_reviewed(sender, submission, previous_score, actor=None, **kwargs):
    record(
        "submission.reviewed",
        submission,
        {"score": [previous_score, getattr(submission, "score", None)]},
        actor,
    )


def on_payment_paid(sender, payment, on_time=None, **kwargs):
    record("payment.paid", payment, {"on_time": on_time})


def on_payment_refunded(sender, payment, **kwargs):
    record("payment.refunded", payment)


def on_payment_cancelled(sender, payment, **kwargs):
    record("payment.cancelled", payment)


def on_redemption_changed(sender, redemption, change, **kwargs):
    record(f"reward_redemption.{change}", redemption)


def connect() -> None:
    pairs = [
        (lesson_changed, on_lesson_changed),
        (attendance_marked, on_attendance_marked),
        (membership_changed, on_membership_changed),
        (homework_reviewed, on_homework_reviewed),
        (payment_paid, on_payment_paid),
        (payment_refunded, on_payment_refunded),
        (payment_cancelled, on_payment_cancelled),
        (reward_redemption_changed, on_redemption_changed),
    ]
    for signal, receiver in pairs:
        signal.connect(receiver, dispatch_uid=f"audit.{receiver.__name__}")

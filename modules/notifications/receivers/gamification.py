"""Badges earned and rewards redeemed → the student."""

from __future__ import annotations

from modules.notifications import audiences
from modules.notifications.dispatch import notify
from modules.notifications.kinds import Kind
from modules.notifications.receivers.common import fan, isolated, name


def _title(obj) -> str:
    for attr in ("name", "title", "code"):
        value = getattr(obj, attr, None)
        if value:
            return str(value)
    return str(obj or "")


@isolated
def on_achievement_awarded(sender, student_achievement, **kwargs):
    student = audiences.users_by_id([student_achievement.student_id]).get(student_achievement.student_id)
    if student is None:
        return
    badge = getattr(student_achievement, "achievement", None) or student_achievement
    context = {"student": name(student), "badge": _title(badge)}
    data = {"student_id": student.pk, "achievement_id": student_achievement.pk}
    notify(kind=Kind.ACHIEVEMENT_AWARDED, outgoing=fan([student], context, data))


@isolated
def on_reward_redeemed(sender, redemption, **kwargs):
    student = audiences.users_by_id([redemption.student_id]).get(redemption.student_id)
    if student is None:
        return
    reward = getattr(redemption, "reward", None)
    price = getattr(redemption, "price", None) or getattr(reward, "price", "")
    context = {"student": name(student), "reward": _title(reward), "price": price}
    data = {"student_id": student.pk, "redemption_id": redemption.pk}
    notify(kind=Kind.REWARD_REDEEMED, outgoing=fan([student], context, data))

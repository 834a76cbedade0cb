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


def _badge_name(student_achievement) -> str:
    from modules.gamification.badges import CATALOGUE

    badge = CATALOGUE.get(getattr(student_achievement, "code", ""))
    return badge.name if badge else _title(student_achievement)


@isolated
def on_achievement_awarded(sender, student_achievement, **kwargs):
    student = audiences.users_by_id([student_achievement.student_id]).get(student_achievement.student_id)
    if student is None:
        return
    context = {"student": name(student), "badge": _badge_name(student_achievement)}
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

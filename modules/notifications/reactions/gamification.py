"""Badges earned and rewards redeemed → the student."""

from __future__ import annotations

from modules.notifications import audiences
from modules.notifications.dispatch import notify
from modules.notifications.kinds import Kind
from modules.notifications.reactions.common import fan, name


def achievement_awarded(*, achievement_id: int) -> int:
    from modules.gamification.badges import CATALOGUE
    from modules.gamification.models import StudentAchievement

    earned = StudentAchievement.objects.filter(pk=achievement_id).first()
    student = earned and audiences.users_by_id([earned.student_id]).get(earned.student_id)
    if not student:
        return 0
    badge = CATALOGUE.get(earned.code)
    context = {"student": name(student), "badge": badge.name if badge else earned.code}
    data = {"student_id": student.pk, "achievement_id": earned.pk}
    outgoing = fan([student], context, data, source=f"achievement:{earned.pk}")
    return len(notify(kind=Kind.ACHIEVEMENT_AWARDED, outgoing=outgoing))


def reward_redeemed(*, redemption_id: int) -> int:
    from modules.gamification.models import Redemption

    redemption = Redemption.objects.select_related("reward").filter(pk=redemption_id).first()
    student = redemption and audiences.users_by_id([redemption.student_id]).get(redemption.student_id)
    if not student:
        return 0
    context = {"student": name(student), "reward": redemption.reward.name, "price": redemption.price}
    data = {"student_id": student.pk, "redemption_id": redemption.pk}
    outgoing = fan([student], context, data, source=f"redemption:{redemption.pk}")
    return len(notify(kind=Kind.REWARD_REDEEMED, outgoing=outgoing))

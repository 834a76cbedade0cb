"""Demo data: some coins and a badge for the demo student, a few rewards, and the leaderboards built
(idempotent: fixed keys)."""

from __future__ import annotations

from modules.accounts.seed import demo_user
from modules.courses.models import Membership
from modules.gamification import services
from modules.gamification.badges import FIRST_HOMEWORK
from modules.gamification.models import Reason, Reward

DEMO_REWARDS = [
    ("Markaz notebook", "A notebook with the Markaz logo.", 50, 20),
    ("Cinema ticket", "One ticket to a film of your choice.", 200, 5),
    ("Free lesson", "One extra individual lesson with your teacher.", 500, 3),
]
DEMO_COINS = [(30, "Great answer in class"), (25, "Helped a classmate"), (40, "Won the vocabulary quiz")]


def seed(stdout, *, students: int = 0) -> None:
    student = demo_user("student")
    admin = demo_user("admin")
    membership = Membership.objects.filter(student=student).exclude(status=Membership.Status.LEFT).first()
    group_id = membership.group_id if membership else None
    for i, (amount, note) in enumerate(DEMO_COINS, start=1):
        services.coins_post(
            student_id=student.pk,
            amount=amount,
            reason=Reason.MANUAL_AWARD,
            idempotency_key=f"seed:demo-coins:{i}",
            source_type="user",
            source_id=admin.pk,
            group_id=group_id,
            created_by_id=admin.pk,
            note=note,
        )
    services.achievement_award(student_id=student.pk, badge=FIRST_HOMEWORK, group_id=group_id)
    for name, description, price, stock in DEMO_REWARDS:
        if not Reward.objects.filter(name=name).exists():
            services.reward_create(name=name, description=description, price=price, stock=stock)
            stdout.write(f"  created reward {name}")
    # the demo's leaderboards exist at once, without waiting for the worker
    services.leaderboards_refresh()

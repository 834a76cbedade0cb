"""Factories for modules.gamification.

RewardFactory(price=50, stock=1)
give_coins(student, 30, group=group)        # a real ledger row through the service (balance kept)
"""

from __future__ import annotations

import itertools

import factory

from modules.gamification.models import Reason, Redemption, Reward
from modules.gamification.services import coins_post

_keys = itertools.count(1)


class RewardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reward

    name = factory.Sequence(lambda n: f"Reward {n}")
    description = "A small prize"
    price = 50
    stock = 5
    is_active = True


class RedemptionFactory(factory.django.DjangoModelFactory):
    """A bare pending redemption row (no coins moved); use services.reward_redeem for the real thing."""

    class Meta:
        model = Redemption

    reward = factory.SubFactory(RewardFactory)
    student = factory.SubFactory("tests.factories.accounts.StudentFactory")
    price = factory.LazyAttribute(lambda o: o.reward.price)


def give_coins(student, amount: int, *, group=None, reason: str = Reason.MANUAL_AWARD, note: str = "test"):
    tx, _ = coins_post(
        student_id=student.pk,
        amount=amount,
        reason=reason,
        idempotency_key=f"test:{next(_keys)}:{student.pk}",
        group_id=group.pk if group is not None else None,
        note=note,
        allow_negative=amount < 0,
    )
    return tx

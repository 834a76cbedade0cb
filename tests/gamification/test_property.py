"""The ledger invariant, whatever happens: after any sequence of awards, deductions, corrections of
earned coins, redemptions and cancellations, the balance equals the ledger's sum and is never negative
(no admin override is used here), and every item of stock is either on the shelf or redeemed."""

from __future__ import annotations

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.exceptions import Conflict
from modules.gamification.models import CoinTransaction, Reason, Redemption, Reward, StudentCoin
from modules.gamification.services import (
    Desired,
    coins_post,
    reconcile_many,
    redemption_cancel,
    reward_redeem,
    source_reconcile,
)
from tests.factories.accounts import AdminFactory, StudentFactory

pytestmark = pytest.mark.django_db

STOCK = 3

operations = st.lists(
    st.one_of(
        st.tuples(st.just("award"), st.integers(1, 50)),
        st.tuples(st.just("deduct"), st.integers(1, 60)),
        st.tuples(st.just("earn"), st.integers(0, 3), st.integers(0, 20)),  # a source now worth n coins
        st.tuples(st.just("redeem"), st.integers(0, 1)),
        st.tuples(st.just("cancel"), st.integers(0, 5)),
        st.tuples(st.just("replay"), st.integers(0, 30)),
        # several sources at once, as a reaction task writes them (one reconcile_many batch)
        st.tuples(st.just("batch"), st.lists(st.tuples(st.integers(0, 3), st.integers(0, 20)), max_size=4)),
    ),
    max_size=30,
)


def check_invariants(student, rewards):
    balance = StudentCoin.objects.filter(student=student).values_list("balance", flat=True).first() or 0
    ledger = sum(CoinTransaction.objects.filter(student=student).values_list("amount", flat=True))
    assert balance == ledger
    assert balance >= 0
    for reward in rewards:
        taken = Redemption.objects.filter(reward=reward).exclude(status="cancelled").count()
        assert Reward.objects.get(pk=reward.pk).stock + taken == STOCK


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_ledger_invariant(db, ops):
    student, admin = StudentFactory(), AdminFactory()
    rewards = [Reward.objects.create(name=f"r{i}", price=15 + 10 * i, stock=STOCK) for i in range(2)]
    used_keys: set[str] = set()
    for n, op in enumerate(ops):
        try:
            if op[0] == "award":
                coins_post(
                    student_id=student.pk,
                    amount=op[1],
                    reason=Reason.MANUAL_AWARD,
                    idempotency_key=f"{student.pk}:a{n}",
                )
                used_keys.add(f"{student.pk}:a{n}")
            elif op[0] == "deduct":
                coins_post(
                    student_id=student.pk,
                    amount=-op[1],
                    reason=Reason.MANUAL_DEDUCT,
                    idempotency_key=f"{student.pk}:d{n}",
                )
            elif op[0] == "earn":
                source_reconcile(
                    student_id=student.pk,
                    source_type="lesson",
                    source_id=op[1],
                    reason=Reason.ATTENDANCE,
                    desired=op[2],
                )
            elif op[0] == "batch":
                with transaction.atomic():
                    reconcile_many(
                        [
                            Desired(student.pk, "lesson", source, Reason.STREAK_BONUS, worth)
                            for source, worth in op[1]
                        ]
                    )
            elif op[0] == "redeem":
                reward_redeem(student=student, reward=rewards[op[1]])
            elif op[0] == "cancel":
                redemptions = list(Redemption.objects.filter(student=student).order_by("id"))
                if redemptions:
                    redemption_cancel(redemption=redemptions[op[1] % len(redemptions)], actor=admin)
            elif op[0] == "replay":  # the same key again: nothing may change
                key = f"{student.pk}:a{op[1]}"
                before = CoinTransaction.objects.filter(student=student).count()
                coins_post(student_id=student.pk, amount=5, reason=Reason.MANUAL_AWARD, idempotency_key=key)
                grew = CoinTransaction.objects.filter(student=student).count() - before
                assert grew == (0 if key in used_keys else 1)
                used_keys.add(key)
        except Conflict as exc:
            assert exc.code in {"insufficient_coins", "out_of_stock", "redemption_not_pending"}
        check_invariants(student, rewards)

"""Races on real Postgres row locks (threads, separate connections)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from core.exceptions import Conflict
from modules.gamification.models import CoinTransaction, Reason, Redemption, Reward, StudentCoin
from modules.gamification.services import coins_post, reward_redeem
from tests.factories.accounts import StudentFactory
from tests.factories.gamification import give_coins

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs Postgres row locks"),
    pytest.mark.django_db(transaction=True),
]


def run_together(fns):
    barrier = threading.Barrier(len(fns))
    results: list = [None] * len(fns)

    def worker(i, fn):
        try:
            barrier.wait(timeout=10)
            results[i] = fn()
        except Exception as exc:  # collected and asserted by the test
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, fn)) for i, fn in enumerate(fns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def test_only_one_student_gets_the_last_item():
    reward = Reward.objects.create(name="Last one", price=10, stock=1)
    students = [StudentFactory() for _ in range(6)]
    for s in students:
        give_coins(s, 10)
    results = run_together([lambda s=s: reward_redeem(student=s, reward=reward) for s in students])
    winners = [r for r in results if isinstance(r, Redemption)]
    losers = [r for r in results if isinstance(r, Conflict)]
    assert len(winners) == 1 and len(losers) == 5, results
    assert {e.code for e in losers} == {"out_of_stock"}
    assert Reward.objects.get(pk=reward.pk).stock == 0
    charged = [s for s in students if StudentCoin.objects.get(student=s).balance == 0]
    assert [s.pk for s in charged] == [winners[0].student_id]


def test_one_student_spending_twice_at_once_cannot_overdraw():
    student = StudentFactory()
    give_coins(student, 10)
    rewards = [Reward.objects.create(name=f"r{i}", price=10, stock=5) for i in range(4)]
    results = run_together([lambda r=r: reward_redeem(student=student, reward=r) for r in rewards])
    assert sum(isinstance(r, Redemption) for r in results) == 1
    assert StudentCoin.objects.get(student=student).balance == 0


def test_concurrent_awards_keep_balance_equal_to_ledger():
    student = StudentFactory()
    fns = [
        lambda i=i: coins_post(
            student_id=student.pk, amount=3, reason=Reason.MANUAL_AWARD, idempotency_key=f"c{i % 5}"
        )
        for i in range(10)
    ]
    run_together(fns)
    ledger = sum(CoinTransaction.objects.filter(student=student).values_list("amount", flat=True))
    assert StudentCoin.objects.get(student=student).balance == ledger == 15  # 5 distinct keys

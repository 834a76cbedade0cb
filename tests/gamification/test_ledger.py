from __future__ import annotations

import pytest

from core.exceptions import Conflict
from modules.gamification.models import CoinTransaction, Reason
from modules.gamification.services import coins_post, source_reconcile
from modules.gamification.signals import coins_changed
from tests.factories.gamification import give_coins
from tests.gamification.conftest import balance_of, ledger_sum, of_type

pytestmark = pytest.mark.django_db


def post(student, amount, key, **kw):
    return coins_post(
        student_id=student.pk, amount=amount, reason=Reason.MANUAL_AWARD, idempotency_key=key, **kw
    )


def test_post_moves_balance_and_appends_a_row(student):
    tx, created = post(student, 30, "k1", note="quiz")
    assert created and tx.amount == 30 and tx.note == "quiz"
    post(student, -10, "k2")
    assert balance_of(student) == 20 == ledger_sum(student)
    assert CoinTransaction.objects.filter(student=student).count() == 2


def test_same_key_changes_nothing(student):
    first, _ = post(student, 30, "same")
    again, created = post(student, 30, "same")
    assert not created and again.pk == first.pk
    assert balance_of(student) == 30 and CoinTransaction.objects.count() == 1


def test_balance_never_goes_negative_without_override(student):
    post(student, 5, "a")
    with pytest.raises(Conflict) as exc:
        post(student, -6, "b")
    assert exc.value.code == "insufficient_coins"
    assert balance_of(student) == 5 == ledger_sum(student)
    post(student, -6, "c", allow_negative=True)
    assert balance_of(student) == -1 == ledger_sum(student)


def test_zero_amount_is_refused(student):
    with pytest.raises(Conflict):
        post(student, 0, "zero")
    assert CoinTransaction.objects.count() == 0


def test_reconcile_writes_only_the_difference(student):
    common = {"student_id": student.pk, "source_type": "lesson", "source_id": 7, "reason": Reason.ATTENDANCE}
    assert source_reconcile(**common, desired=10).amount == 10
    assert source_reconcile(**common, desired=10) is None  # replay
    assert source_reconcile(**common, desired=5).amount == -5  # present -> late
    assert source_reconcile(**common, desired=0).amount == -5  # late -> absent
    assert source_reconcile(**common, desired=10).amount == 10  # back to present
    rows = CoinTransaction.objects.filter(source_type="lesson", source_id=7)
    assert sorted(rows.values_list("amount", flat=True)) == [-5, -5, 10, 10]
    assert balance_of(student) == 10 == ledger_sum(student)
    assert all(
        note.startswith("correction") for note in rows.filter(amount__lt=0).values_list("note", flat=True)
    )


def test_correction_is_capped_at_the_balance(student):
    common = {"student_id": student.pk, "source_type": "lesson", "source_id": 8, "reason": Reason.ATTENDANCE}
    source_reconcile(**common, desired=10)
    give_coins(student, -8)  # spent most of it
    tx = source_reconcile(**common, desired=0)
    assert tx.amount == -2 and balance_of(student) == 0 == ledger_sum(student)


def test_signal_and_event_carry_the_balance(student, events, run_on_commit):
    received = []

    def listener(sender, event, **kw):
        [tx_id] = event.transaction_ids
        received.append((event.student_id, event.balance, CoinTransaction.objects.get(pk=tx_id).amount))

    coins_changed.connect(listener)
    try:
        with run_on_commit():
            post(student, 12, "evt")
    finally:
        coins_changed.disconnect(listener)
    assert received == [(student.pk, 12, 12)]
    [event] = of_type(events, "coins.updated")
    assert event["channel"] == f"user:{student.pk}"
    assert event["data"]["balance"] == 12
    assert event["data"]["transaction"]["amount"] == 12
    assert event["data"]["transaction"]["reason"] == "manual_award"

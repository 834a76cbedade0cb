from __future__ import annotations

import pytest

from modules.gamification.models import CoinTransaction, StudentCoin
from tests.factories.courses import GroupFactory, MembershipFactory


@pytest.fixture
def group(teacher, student):
    """The teacher's group with `student` as an active member."""
    g = GroupFactory(teacher=teacher)
    MembershipFactory(group=g, student=student)
    return g


@pytest.fixture
def events(monkeypatch):
    """Real-time events sent after commit (use with run_on_commit), as their envelopes."""
    sent: list[dict] = []
    monkeypatch.setattr("realtime.publish.send_now", lambda envelope, *args, **kw: sent.append(envelope))
    monkeypatch.setattr("realtime.publish.send_many_now", lambda pairs: sent.extend(e for e, _ in pairs))
    return sent


def balance_of(student) -> int:
    account = StudentCoin.objects.filter(student=student).first()
    return account.balance if account else 0


def ledger_sum(student) -> int:
    return sum(CoinTransaction.objects.filter(student=student).values_list("amount", flat=True))


def of_type(events: list[dict], type_: str) -> list[dict]:
    return [e for e in events if e["type"] == type_]

"""Coins for many (student, source) pairs at once, in a fixed number of statements whatever their
number: the missing balances created in one INSERT, all of them locked in one ordered
SELECT ... FOR UPDATE (so two batches never deadlock), what each source already gave summed in one
aggregate, the differences appended in one bulk INSERT and the balances moved in one UPDATE. Events
leave in one batch after commit, each group's leaderboard is touched once, badges are awarded in bulk.

The caller owns the transaction (a task's durable atomic, or a service's): nothing here opens a
savepoint. The balance locks serialise concurrent batches for the same students, so the aggregate
read after taking them sees every committed row and the ledger keys never collide."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Case, Count, F, IntegerField, Sum, Value, When
from django.utils import timezone

from modules.gamification import events
from modules.gamification.models import CoinTransaction, StudentCoin
from modules.gamification.signals import CoinsChanged, coins_changed

HUNDRED = 100


@dataclass(frozen=True)
class Desired:
    """What one source should have given one student, in total, as of now."""

    student_id: int
    source_type: str
    source_id: int
    reason: str
    amount: int
    group_id: int | None = None
    note: str = ""
    created_by_id: int | None = None

    @property
    def source(self) -> tuple:
        return (self.student_id, self.source_type, self.source_id, self.reason)


def lock_balances(student_ids: list[int]) -> dict[int, int]:
    """{student id: balance}, every row locked until the transaction ends (created when missing)."""
    ids = sorted(set(student_ids))
    StudentCoin.objects.bulk_create([StudentCoin(student_id=s) for s in ids], ignore_conflicts=True)
    locked = StudentCoin.objects.select_for_update().filter(student_id__in=ids).order_by("student_id")
    return dict(locked.values_list("student_id", "balance"))


def _given(items: list[Desired]) -> dict[tuple, tuple[int, int]]:
    """{(student, source type, source id, reason): (coins given, ledger rows)} in one aggregate."""
    rows = (
        CoinTransaction.objects.filter(
            student_id__in={i.student_id for i in items},
            source_type__in={i.source_type for i in items},
            source_id__in={i.source_id for i in items},
            reason__in={i.reason for i in items},
        )
        .values_list("student_id", "source_type", "source_id", "reason")
        .annotate(total=Sum("amount"), rows=Count("id"))
        .order_by()
    )
    return {(s, t, i, r): (total, n) for s, t, i, r, total, n in rows}


def reconcile_many(items: list[Desired]) -> list[CoinTransaction]:
    """Writes, for each item, the difference between what its source is worth now and what it gave:
    a first mark awards, a change of mind compensates, a replay writes nothing. A negative difference
    is capped at the balance (the rest is taken by a later reconciliation of the same source)."""
    if not items:
        return []
    balances = lock_balances([i.student_id for i in items])
    before = dict(balances)
    given = _given(items)
    rows = []
    for item in items:
        total, count = given.get(item.source, (0, 0))
        delta = item.amount - (total or 0)
        if delta < 0:
            delta = max(delta, -balances[item.student_id])
        if delta == 0:
            continue
        balances[item.student_id] += delta
        given[item.source] = ((total or 0) + delta, count + 1)
        rows.append(_ledger_row(item, delta, count + 1))
    if not rows:
        return []
    created = CoinTransaction.objects.bulk_create(rows)
    _move_balances({s: balances[s] - before[s] for s in balances if balances[s] != before[s]})
    _announce(created, before)
    return created


def _ledger_row(item: Desired, delta: int, n: int) -> CoinTransaction:
    note = item.note if delta > 0 else (f"correction: {item.note}" if item.note else "correction")
    return CoinTransaction(
        student_id=item.student_id,
        amount=delta,
        reason=item.reason,
        idempotency_key=f"{item.source_type}:{item.source_id}:{item.reason}:{item.student_id}:{n}",
        source_type=item.source_type,
        source_id=item.source_id,
        group_id=item.group_id,
        created_by_id=item.created_by_id,
        note=note[:255],
    )


def _move_balances(deltas: dict[int, int]) -> None:
    if not deltas:
        return
    whens = [When(student_id=s, then=Value(d)) for s, d in deltas.items()]
    # update() skips auto_now: the balance's updated_at is set here, as every other path sets it
    StudentCoin.objects.filter(student_id__in=list(deltas)).update(
        balance=F("balance") + Case(*whens, default=Value(0), output_field=IntegerField()),
        updated_at=timezone.now(),
    )


def _announce(created: list[CoinTransaction], before: dict[int, int]) -> None:
    """One coins.updated per ledger row (each with the balance after it), all in one batch after
    commit; coins_changed once per student; each group's leaderboard touched once; badges of
    students who crossed 100 coins in bulk."""
    from modules.gamification.services.achievements import award_many
    from modules.gamification.services.leaderboards import leaderboard_touch

    running = dict(before)
    updates, by_student = [], defaultdict(list)
    for tx in created:
        running[tx.student_id] += tx.amount
        updates.append((tx, running[tx.student_id]))
        by_student[tx.student_id].append(tx.pk)
    events.coins_updated_many(updates)
    for student_id, tx_ids in by_student.items():
        event = CoinsChanged(
            student_id=student_id, balance=running[student_id], transaction_ids=tuple(tx_ids)
        )
        coins_changed.send(sender=CoinTransaction, event=event)
    for group_id in sorted({tx.group_id for tx in created if tx.group_id is not None}):
        leaderboard_touch(group_id)
    crossed = [s for s in by_student if before[s] < HUNDRED <= running[s]]
    if crossed:
        from modules.gamification.badges import HUNDRED_COINS

        award_many(badge=HUNDRED_COINS, student_groups={s: None for s in crossed})

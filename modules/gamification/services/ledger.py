"""The one place coins move. Every change is a ledger row plus the balance update, in one transaction,
under the row lock of the student's balance, so the balance always equals the ledger's sum. The
unique idempotency key makes a repeated change roll back whole (balance included).

On Postgres, a change with nothing else to commit beside it (no group leaderboard to touch, no badge
threshold crossed, no receiver to enqueue for, no transaction already open) is one statement: the
balance UPDATE and the ledger INSERT in one data-modifying CTE, atomic by itself, so it needs no
BEGIN/COMMIT round trips (see _post_in_one_statement)."""

from __future__ import annotations

import functools

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import Conflict
from core.postgres.prepared import prepared_cursor
from modules.gamification import events
from modules.gamification.models import CoinTransaction, StudentCoin
from modules.gamification.signals import CoinsChanged, coins_changed


def account_lock(student_id: int) -> StudentCoin:
    """The student's balance row, locked until the transaction ends (created on first use)."""
    account = StudentCoin.objects.select_for_update().filter(student_id=student_id).first()
    if account is None:
        # ignore_conflicts: a concurrent first award may have created it; then lock that one
        StudentCoin.objects.bulk_create([StudentCoin(student_id=student_id)], ignore_conflicts=True)
        account = StudentCoin.objects.select_for_update().get(student_id=student_id)
    return account


def coins_post(
    *,
    student_id: int,
    amount: int,
    reason: str,
    idempotency_key: str,
    source_type: str = "",
    source_id: int | None = None,
    group_id: int | None = None,
    created_by_id: int | None = None,
    note: str = "",
    allow_negative: bool = False,
) -> tuple[CoinTransaction, bool]:
    """Append one ledger row and move the balance. Returns (transaction, created); a repeated
    idempotency key returns the first transaction and changes nothing. A balance may only go below
    zero with allow_negative (an admin's explicit override)."""
    if amount == 0:
        raise Conflict(_("A coin transaction needs a non-zero amount."), code="zero_amount")
    row = {
        "student_id": student_id,
        "amount": amount,
        "reason": reason,
        "idempotency_key": idempotency_key,
        "source_type": source_type,
        "source_id": source_id,
        "group_id": group_id,
        "created_by_id": created_by_id,
        "note": note[:255],
    }
    try:
        return _post(row, allow_negative), True
    except IntegrityError:
        # the key was used before (a replay, or a concurrent duplicate that committed first): the
        # savepoint rolled our balance change back; answer with the first transaction
        existing = CoinTransaction.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return existing, False


def _post(row: dict, allow_negative: bool) -> CoinTransaction:
    posted = _post_in_one_statement(row) if _alone(row, allow_negative) else None
    if posted is not None:
        tx, new_balance = posted
        _after_post(tx, new_balance - row["amount"], new_balance)
        return tx
    return _post_in_transaction(row, allow_negative)


def _alone(row: dict, allow_negative: bool) -> bool:
    """Whether this change has nothing to commit with it but its two rows, so one statement is atomic
    enough: outside any transaction (a caller's writes must share its fate), on Postgres (a
    data-modifying CTE), no group (whose leaderboard touch enqueues a task), no coins_changed
    receiver (it would enqueue outside the write), and no override below zero (a rare admin path)."""
    return (
        connection.vendor == "postgresql"
        and not connection.in_atomic_block
        and row["group_id"] is None
        and not allow_negative
        and not coins_changed.has_listeners(CoinTransaction)
    )


def _post_in_one_statement(row: dict) -> tuple[CoinTransaction, int] | None:
    """(transaction, new balance), or None when the balance row is missing, the balance would go below
    zero or a badge threshold would be crossed: then the transactional path decides. A reused
    idempotency key raises IntegrityError, and the failed statement has changed nothing."""
    from modules.gamification.services.achievements import balance_thresholds

    now = timezone.now()
    columns = [*row, "created_at"]
    values = [*row.values(), connection.ops.adapt_datetimefield_value(now)]
    crossing = "".join(
        f" AND NOT (balance < {int(t)} AND balance + %(amount)s >= {int(t)})" for t in balance_thresholds()
    )
    # prepared: planning this statement cost more than running it (core/postgres/prepared.py), and a
    # prepared statement's parameters are typed by the casts (a None would otherwise reach it as text)
    selected = ", ".join(f"CAST(%(v{i})s AS {_column_type(c)})" for i, c in enumerate(columns))
    with prepared_cursor() as cur:
        cur.execute(
            f"WITH moved AS (UPDATE {StudentCoin._meta.db_table} SET balance = balance + %(amount)s, "
            "updated_at = %(now)s WHERE student_id = %(student)s AND balance + %(amount)s >= 0"
            f"{crossing} RETURNING balance), "
            f"posted AS (INSERT INTO {CoinTransaction._meta.db_table} ({', '.join(columns)}) "
            f"SELECT {selected} FROM moved RETURNING id) "
            "SELECT posted.id, moved.balance FROM posted, moved",
            {
                "amount": row["amount"],
                "now": values[-1],
                "student": row["student_id"],
                **{f"v{i}": v for i, v in enumerate(values)},
            },
        )
        found = cur.fetchone()
    if found is None:
        return None
    return CoinTransaction(id=found[0], created_at=now, **row), found[1]


@functools.cache
def _column_type(attname: str) -> str:
    return next(
        f.cast_db_type(connection) for f in CoinTransaction._meta.concrete_fields if f.attname == attname
    )


@transaction.atomic
def _post_in_transaction(row: dict, allow_negative: bool) -> CoinTransaction:
    # the common case in one statement: the UPDATE locks the balance row, applies the amount only if
    # the balance stays >= 0 (or the override allows), and returns the new balance
    new_balance = _move_balance(row["student_id"], row["amount"], allow_negative)
    if new_balance is None:
        new_balance = _move_balance_slow(row, allow_negative)
    tx = CoinTransaction.objects.create(**row)
    _after_post(tx, new_balance - row["amount"], new_balance)
    return tx


def _move_balance(student_id: int, amount: int, allow_negative: bool) -> int | None:
    with connection.cursor() as cur:
        cur.execute(
            f"UPDATE {StudentCoin._meta.db_table} SET balance = balance + %s, updated_at = %s "
            "WHERE student_id = %s AND (%s OR balance + %s >= 0) RETURNING balance",
            [
                amount,
                connection.ops.adapt_datetimefield_value(timezone.now()),
                student_id,
                allow_negative or amount > 0,
                amount,
            ],
        )
        found = cur.fetchone()
    return found[0] if found else None


def _move_balance_slow(row: dict, allow_negative: bool) -> int:
    """No balance row yet, or not enough coins (or a replay of a deduction: then IntegrityError)."""
    account = account_lock(row["student_id"])
    new_balance = account.balance + row["amount"]
    if new_balance < 0 and not allow_negative:
        if CoinTransaction.objects.filter(idempotency_key=row["idempotency_key"]).exists():
            raise IntegrityError("idempotency key already used")
        raise Conflict(
            _("Not enough coins: the balance is {balance}.").format(balance=account.balance),
            code="insufficient_coins",
            extra={"balance": account.balance},
        )
    account.balance = new_balance
    account.save(update_fields=["balance", "updated_at"])
    return new_balance


def _after_post(tx: CoinTransaction, old_balance: int, new_balance: int) -> None:
    from modules.gamification.services.achievements import on_balance_changed
    from modules.gamification.services.leaderboards import leaderboard_touch

    events.coins_updated(tx, new_balance)
    event = CoinsChanged(student_id=tx.student_id, balance=new_balance, transaction_ids=(tx.pk,))
    coins_changed.send(sender=CoinTransaction, event=event)
    if tx.group_id is not None:
        leaderboard_touch(tx.group_id)
    on_balance_changed(student_id=tx.student_id, old_balance=old_balance, new_balance=new_balance)


@transaction.atomic
def source_reconcile(
    *,
    student_id: int,
    source_type: str,
    source_id: int,
    reason: str,
    desired: int,
    group_id: int | None = None,
    created_by_id: int | None = None,
    note: str = "",
) -> CoinTransaction | None:
    """Bring the coins a source (a lesson, a submission, an invoice) has given a student for `reason`
    to `desired`, writing the difference as one new row (a compensating one when negative).

    One item of batch.reconcile_many (the rule lives there). Tasks call it with what the rules say the source's *current* state is worth, so a replayed
    signal finds nothing to do, and a change of mind writes exactly the correction. Rows are keyed by
    (source, reason, student, sequence number); the lock on the balance serialises concurrent calls.
    A correction never takes a balance below zero (coins already spent stay spent): it is capped at the
    balance, and the rest is taken by a later reconciliation of the same source, if any."""
    from modules.gamification.services.batch import Desired, reconcile_many

    item = Desired(
        student_id=student_id,
        source_type=source_type,
        source_id=source_id,
        reason=reason,
        amount=desired,
        group_id=group_id,
        note=note,
        created_by_id=created_by_id,
    )
    written = reconcile_many([item])
    return written[0] if written else None

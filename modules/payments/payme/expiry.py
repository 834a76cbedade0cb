"""Payme's 12-hour timeout, applied lazily. Payme may never come back to cancel a transaction it
created and then abandoned; left in state 1 it would block its invoice for good (one live
transaction per invoice). So wherever such a transaction is met — CheckPerformTransaction,
CreateTransaction, Perform, cash confirmation, invoice cancel, amount edit — it is cancelled first
(state -1, reason 4 = timeout) and the caller carries on as if it were not there.

The caller holds the invoice's row lock (invoice before transaction rows, the order every Payme
method uses)."""

from __future__ import annotations

from modules.payments.models import Payment, PaymeTransaction
from modules.payments.payme.protocol import TIMEOUT_MS, now_ms

TIMEOUT_REASON = 4
State = PaymeTransaction.State


def is_expired(tx: PaymeTransaction, now: int) -> bool:
    return tx.state == State.CREATED and now - tx.create_time > TIMEOUT_MS


def cancel_as_timed_out(tx: PaymeTransaction, now: int) -> None:
    tx.state, tx.reason, tx.cancel_time = State.CANCELLED, TIMEOUT_REASON, now
    tx.save(update_fields=["state", "reason", "cancel_time", "updated_at"])


def payme_in_progress(payment: Payment, now: int | None = None) -> bool:
    """A live (state 1, not timed out) Payme transaction holds the invoice. Timed-out ones are
    cancelled on the way, so they never block. One query when there is nothing to cancel."""
    now = now_ms() if now is None else now
    live = False
    for tx in PaymeTransaction.objects.select_for_update().filter(payment=payment, state=State.CREATED):
        if is_expired(tx, now):
            cancel_as_timed_out(tx, now)
        else:
            live = True
    return live

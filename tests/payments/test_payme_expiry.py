"""A Payme transaction created and then abandoned (state 1 past Payme's 12-hour timeout) is cancelled
with reason 4 wherever it is met, and never blocks a new payment of its invoice. Time is controlled
(time-machine), never slept through: the transaction is created at T, the call happens at T + 12 h
+ 1 s (or, for the control case, T + 12 h - 1 s)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from modules.payments.models import Payment, PaymeTransaction
from tests.payments.conftest import error_code, payme_id

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 10, 5, 6, 0, tzinfo=UTC)
PAST_TIMEOUT = timedelta(hours=12, seconds=1)
JUST_INSIDE = timedelta(hours=12, seconds=-1)


def ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(T0, tick=False)
    return time_machine


@pytest.fixture
def abandoned(payme, invoice, clock) -> str:
    """A Payme transaction created at T0 for the invoice and never performed."""
    tx_id = payme_id()
    body = payme.call(
        "CreateTransaction",
        {"id": tx_id, "time": ms(T0), "amount": invoice.amount, "account": {"payment_id": str(invoice.pk)}},
    )
    assert body["result"]["state"] == 1
    return tx_id


def assert_timed_out(tx_id: str, at: datetime) -> None:
    tx = PaymeTransaction.objects.get(payme_id=tx_id)
    assert (tx.state, tx.reason, tx.cancel_time) == (-1, 4, ms(at))


def assert_still_live(tx_id: str) -> None:
    tx = PaymeTransaction.objects.get(payme_id=tx_id)
    assert (tx.state, tx.reason, tx.cancel_time) == (1, None, 0)


def check_perform(payme, invoice) -> dict:
    return payme.call(
        "CheckPerformTransaction", {"amount": invoice.amount, "account": {"payment_id": str(invoice.pk)}}
    )


def test_check_perform_cancels_a_timed_out_transaction_and_allows(payme, invoice, abandoned, clock):
    clock.move_to(T0 + PAST_TIMEOUT, tick=False)
    assert check_perform(payme, invoice)["result"] == {"allow": True}
    assert_timed_out(abandoned, T0 + PAST_TIMEOUT)


def test_check_perform_inside_the_timeout_still_says_in_progress(payme, invoice, abandoned, clock):
    clock.move_to(T0 + JUST_INSIDE, tick=False)
    assert error_code(check_perform(payme, invoice)) == -31052
    assert_still_live(abandoned)


def test_create_with_a_new_id_cancels_the_timed_out_one(payme, invoice, abandoned, clock):
    later = T0 + PAST_TIMEOUT
    clock.move_to(later, tick=False)
    fresh = payme_id()
    body = payme.call(
        "CreateTransaction",
        {
            "id": fresh,
            "time": ms(later),
            "amount": invoice.amount,
            "account": {"payment_id": str(invoice.pk)},
        },
    )
    assert body["result"]["state"] == 1
    assert_timed_out(abandoned, later)
    perform = payme.call("PerformTransaction", {"id": fresh})["result"]
    assert perform["state"] == 2
    invoice.refresh_from_db()
    assert invoice.status == Payment.Status.PAID and invoice.external_reference == fresh


def test_create_with_a_new_id_inside_the_timeout_is_31008(payme, invoice, abandoned, clock):
    clock.move_to(T0 + JUST_INSIDE, tick=False)
    body = payme.call(
        "CreateTransaction",
        {
            "id": payme_id(),
            "time": ms(T0 + JUST_INSIDE),
            "amount": invoice.amount,
            "account": {"payment_id": str(invoice.pk)},
        },
    )
    assert error_code(body) == -31008
    assert_still_live(abandoned)


def test_cash_confirmation_cancels_the_timed_out_one_and_pays(api, admin, invoice, abandoned, clock):
    clock.move_to(T0 + PAST_TIMEOUT, tick=False)
    response = api(admin).post(f"/payments/{invoice.pk}/confirm", {"method": "cash"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "paid"
    assert_timed_out(abandoned, T0 + PAST_TIMEOUT)


def test_invoice_cancel_cancels_the_timed_out_one(api, admin, invoice, abandoned, clock):
    clock.move_to(T0 + PAST_TIMEOUT, tick=False)
    response = api(admin).post(f"/payments/{invoice.pk}/cancel", {"reason": "duplicate"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancelled"
    assert_timed_out(abandoned, T0 + PAST_TIMEOUT)


def test_amount_edit_cancels_the_timed_out_one(api, admin, invoice, abandoned, clock):
    clock.move_to(T0 + PAST_TIMEOUT, tick=False)
    response = api(admin).patch(f"/payments/{invoice.pk}", {"amount": invoice.amount - 100})
    assert response.status_code == 200, response.content
    assert response.json()["amount"] == invoice.amount - 100
    assert_timed_out(abandoned, T0 + PAST_TIMEOUT)


@pytest.mark.parametrize(
    "call",
    [
        lambda api, inv: api.post(f"/payments/{inv.pk}/confirm", {"method": "cash"}),
        lambda api, inv: api.post(f"/payments/{inv.pk}/cancel", {"reason": "duplicate"}),
        lambda api, inv: api.patch(f"/payments/{inv.pk}", {"amount": inv.amount - 100}),
    ],
    ids=["confirm", "cancel", "amount-edit"],
)
def test_staff_writes_inside_the_timeout_are_409_payme_in_progress(
    api, admin, invoice, abandoned, clock, call
):
    clock.move_to(T0 + JUST_INSIDE, tick=False)
    response = call(api(admin), invoice)
    assert response.status_code == 409 and response.json()["code"] == "payme_in_progress"
    assert_still_live(abandoned)
    invoice.refresh_from_db()
    assert invoice.status == Payment.Status.PENDING and invoice.amount == 50_000_000


def test_the_timeout_cancel_is_answered_identically_afterwards(payme, invoice, abandoned, clock):
    clock.move_to(T0 + PAST_TIMEOUT, tick=False)
    check_perform(payme, invoice)
    clock.move_to(T0 + PAST_TIMEOUT + timedelta(hours=1), tick=False)
    first = payme.call("CheckTransaction", {"id": abandoned})["result"]
    again = payme.call("CancelTransaction", {"id": abandoned, "reason": 3})["result"]
    assert first["state"] == -1 and first["reason"] == 4 and first["cancel_time"] == ms(T0 + PAST_TIMEOUT)
    assert again == {"transaction": first["transaction"], "cancel_time": first["cancel_time"], "state": -1}


@pytest.mark.django_db(transaction=True)
def test_in_autocommit_the_timeout_cancel_is_committed_and_a_new_payment_goes_through(
    payme, invoice, abandoned, clock
):
    """Production runs without a wrapping transaction: the cancel written inside CheckPerform's
    transaction is committed before it answers, and the whole new sequence then succeeds."""
    later = T0 + PAST_TIMEOUT
    clock.move_to(later, tick=False)
    assert check_perform(payme, invoice)["result"] == {"allow": True}
    assert_timed_out(abandoned, later)
    fresh = payme_id()
    account = {"payment_id": str(invoice.pk)}
    created = payme.call(
        "CreateTransaction", {"id": fresh, "time": ms(later), "amount": invoice.amount, "account": account}
    )
    assert created["result"]["state"] == 1
    assert payme.call("PerformTransaction", {"id": fresh})["result"]["state"] == 2
    assert Payment.objects.get(pk=invoice.pk).status == Payment.Status.PAID

"""Click may send Complete several times at once: the invoice is paid once, one answer is 0 and the
rest are -4 (Click's own answer for a repeated Complete)."""

from __future__ import annotations

import pytest
from django.db import connection

from modules.payments.ledger_models import PaymentRecord
from modules.payments.models import Payment, PaymentHistory
from modules.payments.signals import payment_paid
from tests.factories.accounts import StudentFactory
from tests.factories.payments import PaymentFactory
from tests.payments.gateway_clients import ClickClient, click_trans_id, som
from tests.payments.test_payme_concurrency import run_together

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]

THREADS = 8


def test_eight_concurrent_completes_pay_the_invoice_once(click_settings):
    invoice = PaymentFactory(student=StudentFactory(), amount=12_300_000)
    tid = click_trans_id()
    prepared = ClickClient().prepare(trans_id=tid, invoice=invoice.pk, amount=som(invoice.amount))
    paid = []
    payment_paid.connect(
        lambda sender, **kw: paid.append(kw["payment"].pk), weak=False, dispatch_uid="click-c"
    )
    try:
        answers = run_together(
            lambda: ClickClient().complete(
                trans_id=tid,
                invoice=invoice.pk,
                amount=som(invoice.amount),
                prepare_id=prepared["merchant_prepare_id"],
            )["error"],
            THREADS,
        )
    finally:
        payment_paid.disconnect(dispatch_uid="click-c")
    assert sorted(answers) == [-4] * (THREADS - 1) + [0]
    assert paid == [invoice.pk]
    assert PaymentHistory.objects.filter(payment=invoice, to_status="paid").count() == 1
    assert PaymentRecord.objects.filter(payment=invoice, kind="payment").count() == 1
    invoice.refresh_from_db()
    assert invoice.status == Payment.Status.PAID and invoice.amount_paid == invoice.amount


def test_concurrent_prepares_of_one_click_transaction_reserve_once(click_settings):
    invoice = PaymentFactory(student=StudentFactory(), amount=4_000_000)
    tid = click_trans_id()
    answers = run_together(
        lambda: ClickClient().prepare(trans_id=tid, invoice=invoice.pk, amount=som(invoice.amount)), THREADS
    )
    assert all(a == answers[0] for a in answers) and answers[0]["error"] == 0
    assert invoice.click_transactions.count() == 1

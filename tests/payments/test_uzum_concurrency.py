"""Uzum may confirm one transaction several times at once: the invoice is paid once and every
answer is the same CONFIRMED transaction."""

from __future__ import annotations

import pytest
from django.db import connection

from modules.payments.ledger_models import PaymentRecord
from modules.payments.models import Payment, PaymentHistory
from tests.factories.accounts import StudentFactory
from tests.factories.payments import PaymentFactory
from tests.payments.gateway_clients import UzumClient, uzum_trans_id
from tests.payments.test_payme_concurrency import run_together

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]

THREADS = 8


def test_eight_concurrent_confirms_pay_the_invoice_once(uzum_settings):
    invoice = PaymentFactory(student=StudentFactory(), amount=9_900_000)
    tid = uzum_trans_id()
    assert UzumClient().create(tid, invoice.pk, invoice.amount)[0] == 200
    answers = run_together(lambda: UzumClient().confirm(tid), THREADS)
    assert all(a == answers[0] for a in answers), answers
    assert answers[0][0] == 200 and answers[0][1]["status"] == "CONFIRMED"
    assert PaymentHistory.objects.filter(payment=invoice, to_status="paid").count() == 1
    assert PaymentRecord.objects.filter(payment=invoice, kind="payment").count() == 1
    invoice.refresh_from_db()
    assert invoice.status == Payment.Status.PAID


def test_concurrent_creates_with_different_ids_leave_one_live_transaction(uzum_settings):
    invoice = PaymentFactory(student=StudentFactory(), amount=2_000_000)
    answers = run_together(
        lambda: UzumClient().create(uzum_trans_id(), invoice.pk, invoice.amount)[0], THREADS
    )
    assert sorted(answers) == [200] + [400] * (THREADS - 1)
    assert invoice.uzum_transactions.filter(status="CREATED").count() == 1

"""Property: under any sequence of desk payments (parts, overpayments), prepayments, withdrawals,
credits, new invoices, refunds, cancellations and balance sweeps, the balance equals its ledger's
sum, never goes negative, and no money is created or lost:
cash in - cash out + credits granted == what open and paid invoices hold + the balance."""

from __future__ import annotations

import contextlib
import itertools

import pytest
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.exceptions import ApplicationError
from modules.payments import balance, services
from modules.payments.ledger_models import BalanceEntry, PaymentRecord, StudentBalance
from modules.payments.models import Payment
from tests.factories.accounts import StudentFactory
from tests.factories.payments import PaymentFactory

pytestmark = pytest.mark.django_db

_keys = itertools.count(1)
amounts = st.integers(min_value=1, max_value=5_000_000)
operation = st.one_of(
    st.tuples(st.just("invoice"), amounts),
    st.tuples(st.just("confirm"), st.integers(0, 4), st.one_of(st.none(), amounts)),
    st.tuples(st.just("deposit"), amounts),
    st.tuples(st.just("withdraw"), amounts),
    st.tuples(st.just("credit"), amounts),
    st.tuples(st.just("refund"), st.integers(0, 4)),
    st.tuples(st.just("cancel"), st.integers(0, 4)),
    st.tuples(st.just("sweep")),
)


def _pick(invoices: list[Payment], index: int) -> Payment | None:
    return invoices[index % len(invoices)] if invoices else None


def _run(op, student, invoices, admin) -> None:
    kind = op[0]
    if kind == "invoice":
        invoices.append(
            services.payment_create(
                student=student, amount=op[1], due_date=PaymentFactory.due_date.function()
            )
        )
    elif kind == "confirm" and (inv := _pick(invoices, op[1])):
        services.payment_confirm(payment=inv, method="cash", amount=op[2], actor=admin)
    elif kind == "deposit":
        balance.balance_deposit(student=student, amount=op[1], method="card", actor=admin)
    elif kind == "withdraw":
        balance.balance_withdraw(student=student, amount=op[1], method="cash", actor=admin)
    elif kind == "credit":
        balance.balance_credit(
            student_id=student.pk, amount=op[1], key=f"credit:{next(_keys)}", note="freeze"
        )
    elif kind == "refund" and (inv := _pick(invoices, op[1])):
        services.payment_refund(payment=inv, actor=admin, reason="property")
    elif kind == "cancel" and (inv := _pick(invoices, op[1])):
        services.payment_cancel(payment=inv, actor=admin)
    elif kind == "sweep":
        balance.balance_apply(student_id=student.pk)


def _sum(qs) -> int:
    return qs.aggregate(total=Sum("amount"))["total"] or 0


def _assert_invariants(student) -> None:
    ledger = _sum(BalanceEntry.objects.filter(student=student))
    cached = StudentBalance.objects.filter(student=student).values_list("balance", flat=True).first() or 0
    assert cached == ledger >= 0
    cash = PaymentRecord.objects.filter(student=student).exclude(method="balance")
    cash_net = _sum(cash.filter(kind="payment")) - _sum(cash.filter(kind="refund"))
    held = (
        Payment.objects.filter(student=student, status__in=["partially_paid", "paid"]).aggregate(
            total=Sum("amount_paid")
        )["total"]
        or 0
    )
    credits = _sum(BalanceEntry.objects.filter(student=student, kind="credit"))  # granted, not paid in
    assert cash_net + credits == held + ledger
    for inv in Payment.objects.filter(student=student):
        assert 0 <= inv.amount_paid <= inv.amount
        assert (inv.status == "paid") == (
            inv.amount_paid == inv.amount and inv.status not in ("refunded", "cancelled")
        )


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(operation, min_size=1, max_size=14))
def test_balance_equals_ledger_sum_and_money_is_conserved(ops, admin):
    student = StudentFactory()
    invoices: list[Payment] = []
    for op in ops:
        # refused operations (overdraw, paying a paid invoice) must change nothing
        with contextlib.suppress(ApplicationError):
            _run(op, student, invoices, admin)
        _assert_invariants(student)

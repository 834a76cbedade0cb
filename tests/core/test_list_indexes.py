"""The big tables' list queries read their page off an index (EXPLAIN on Postgres, real planner, fresh
statistics): no full scan and no sort of the whole table for a default order or a common filter."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.db import connection

from modules.gamification.models import CoinTransaction
from modules.gamification.selectors import coin_transactions
from modules.lessons.models import Lesson
from modules.lessons.selectors import lesson_list
from modules.payments.models import Payment
from modules.payments.selectors import payment_list
from tests.factories.accounts import AdminFactory, StudentFactory
from tests.factories.courses import GroupFactory, local_dt, local_today

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not settings.IS_POSTGRES, reason="the plans are Postgres's"),
]

STUDENTS = 40
PER_STUDENT = 100


def plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def analyze(*models) -> None:
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {model._meta.db_table}")


@pytest.fixture
def students():
    return StudentFactory.create_batch(STUDENTS)


@pytest.fixture
def invoices(students):
    start = date(2024, 1, 1)
    Payment.objects.bulk_create(
        Payment(student=s, amount=1_000_000, due_date=start + timedelta(days=i), description=f"#{i}")
        for s in students
        for i in range(PER_STUDENT)
    )
    analyze(Payment)


def test_payments_default_order_reads_the_page_off_the_index(invoices):
    text = plan(payment_list(AdminFactory())[:20])
    assert "payment_due_id" in text, text
    assert "Sort" not in text and "Seq Scan on payments_payment" not in text, text


def test_payments_of_one_student_use_an_index(invoices, students):
    text = plan(payment_list(AdminFactory(), student=students[3].pk)[:20])
    assert "Seq Scan on payments_payment" not in text, text


def test_lessons_of_a_group_use_an_index(db):
    groups = GroupFactory.create_batch(20)
    first = local_dt(local_today() - timedelta(days=200))
    Lesson.objects.bulk_create(
        Lesson(
            group=g,
            teacher_id=g.teacher_id,
            room_id=g.room_id,
            starts_at=first + timedelta(days=i),
            ends_at=first + timedelta(days=i, minutes=90),
            original_starts_at=first + timedelta(days=i),
        )
        for g in groups
        for i in range(200)
    )
    analyze(Lesson)
    text = plan(lesson_list(AdminFactory(), group=groups[5].pk)[:100])
    assert "Seq Scan on lessons_lesson" not in text, text
    text = plan(lesson_list(AdminFactory())[:20])
    assert "lesson_starts_at_id" in text and "Seq Scan on lessons_lesson" not in text, text
    # ?ordering=-starts_at reads the same index backwards: no new index, no sort of the table
    text = plan(lesson_list(AdminFactory(), ordering="-starts_at")[:20])
    assert "Index Scan Backward using lesson_starts_at_id" in text and "Sort" not in text, text


def test_a_students_coin_ledger_uses_its_index(students):
    CoinTransaction.objects.bulk_create(
        CoinTransaction(student=s, amount=5, reason="manual_award", idempotency_key=f"bench:{s.pk}:{i}")
        for s in students
        for i in range(PER_STUDENT)
    )
    analyze(CoinTransaction)
    text = plan(coin_transactions(students[7])[:20])
    assert "Seq Scan on gamification_cointransaction" not in text, text


@pytest.mark.parametrize(
    ("filters", "index"),
    [({"actor": "actor"}, "audit_actor_time"), ({"action": "payment.refunded"}, "audit_action_time")],
)
def test_the_audit_log_by_actor_or_action_reads_a_composite_index(students, filters, index):
    from django.utils import timezone

    from modules.audit.models import AuditLog
    from modules.audit.selectors import audit_log_list

    actions = ["create", "update", "attendance.marked", "payment.paid"]
    now = timezone.now()
    AuditLog.objects.bulk_create(
        AuditLog(
            actor=s,
            action="payment.refunded" if i == 0 else actions[i % 4],  # a rare action is what one filters for
            object_type="payments.payment",
            object_id=str(i),
            created_at=now - timedelta(minutes=i),
        )
        for s in students
        for i in range(PER_STUDENT)
    )
    analyze(AuditLog)
    if filters.get("actor"):
        filters = {"actor": students[5].pk}
    text = plan(audit_log_list(**filters)[:50])
    assert index in text and "Seq Scan on audit_auditlog" not in text, text


def test_the_coin_ledgers_foreign_keys_are_found_through_its_composites(students):
    """The ledger keeps no single-column index a composite starts with: a group's, an issuer's and a
    student's rows (what deleting one of them looks up) still come off an index."""
    groups = GroupFactory.create_batch(4)
    CoinTransaction.objects.bulk_create(
        CoinTransaction(
            student=s,
            group=groups[i % 4] if i % 3 else None,
            created_by=students[0],
            amount=5,
            reason="manual_award",
            idempotency_key=f"fk:{s.pk}:{i}",
        )
        for s in students
        for i in range(PER_STUDENT)
    )
    analyze(CoinTransaction)
    for lookup, index in [
        ({"group": groups[1]}, "coin_tx_leaderboard"),
        ({"created_by": students[5]}, "coin_tx_issuer_day"),
        ({"student": students[9]}, "coin_tx_"),
    ]:
        text = plan(CoinTransaction.objects.filter(**lookup).order_by().values("pk"))
        assert index in text and "Seq Scan on gamification_cointransaction" not in text, (lookup, text)


def test_an_invoices_author_is_found_through_its_partial_index(invoices, students):
    """What deleting a user makes Postgres check per user: no invoice still names them as author."""
    text = plan(Payment.objects.filter(created_by=students[2]).order_by().values("pk"))
    assert "payment_created_by" in text and "Seq Scan on payments_payment" not in text, text


def _indexes(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s", [table])
        return [row[0] for row in cursor.fetchall()]


def test_the_money_tables_foreign_keys_are_found_through_their_composites(invoices, students):
    """A paying call inserts a Click transaction, a payment record and maybe a balance entry: none
    keeps a single-column index its composite already starts with, and no unique text column keeps
    the LIKE twin index (`varchar_pattern_ops`) that only a prefix search would read."""
    from django.utils import timezone

    from modules.payments.click.models import ClickTransaction
    from modules.payments.ledger_models import BalanceEntry, PaymentRecord

    paid = list(Payment.objects.order_by("pk")[: STUDENTS * 20])
    now = timezone.now()
    ClickTransaction.objects.bulk_create(
        ClickTransaction(click_trans_id=p.pk, payment=p, amount=p.amount, prepare_time=1) for p in paid
    )
    PaymentRecord.objects.bulk_create(
        PaymentRecord(payment=p, student_id=p.student_id, method="cash", amount=1, occurred_at=now)
        for p in paid
    )
    BalanceEntry.objects.bulk_create(
        BalanceEntry(student_id=p.student_id, amount=1, kind="credit", idempotency_key=f"k{p.pk}")
        for p in paid
    )
    analyze(ClickTransaction, PaymentRecord, BalanceEntry)
    one = paid[7]
    assert "click_tx_payment_state" in plan(ClickTransaction.objects.filter(payment=one))
    assert "payment_record_invoice" in plan(PaymentRecord.objects.filter(payment=one))
    assert "balance_entry_student" in plan(BalanceEntry.objects.filter(student_id=one.student_id))
    for table in (
        "payments_clicktransaction",
        "payments_paymentrecord",
        "payments_balanceentry",
        "payments_paymetransaction",
        "payments_uzumtransaction",
    ):
        assert not [d for d in _indexes(table) if "pattern_ops" in d], _indexes(table)

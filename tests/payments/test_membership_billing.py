"""Billing after membership changes: the receiver only enqueues (ids), the task reads current rows
and is idempotent; a move ends the old group's billing on the move date and starts the new group's;
a freeze added after the month's invoice exists credits the frozen days."""

from __future__ import annotations

from datetime import date

import pytest

from modules.courses.models import Membership
from modules.courses.services import roster
from modules.courses.signals import MembershipChanged, membership_changed
from modules.payments.billing import generate_invoices
from modules.payments.models import Payment, PaymentCredit, PaymentSchedule, PaymeTransaction
from modules.payments.payme.protocol import now_ms
from modules.payments.tasks import sync_membership_billing
from tests.factories.payments import make_group, make_membership

pytestmark = pytest.mark.django_db

OLD_PRICE, NEW_PRICE = 62_000_000, 93_000_000  # 2,000,000 and 3,000,000 tiyin a day in October


@pytest.fixture
def today(time_machine):
    """Controls the center's date: today(date(...))."""

    def move(day: date):
        time_machine.move_to(f"{day.isoformat()}T07:00:00Z", tick=False)  # 12:00 in Tashkent
        return day

    return move


@pytest.fixture
def old_group(teacher):
    return make_group(teacher=teacher, monthly_price=OLD_PRICE, name="English A2")


@pytest.fixture
def new_group(teacher):
    return make_group(teacher=teacher, monthly_price=NEW_PRICE, name="English B1")


@pytest.fixture
def billed(student, old_group, today, run_on_commit):
    """The student joined on 1 September; October's invoice for the old group exists (issued 1 Oct)."""
    membership = make_membership(student=student, group=old_group, joined_on=date(2026, 9, 1))
    sync_membership_billing(membership.pk, "joined")
    today(date(2026, 10, 1))
    generate_invoices()
    invoice = Payment.objects.get(schedule__membership=membership, period=date(2026, 10, 1))
    assert (invoice.amount, invoice.billed_days) == (OLD_PRICE, 31)
    return membership, invoice


def test_the_receiver_only_enqueues_ids(monkeypatch, student, old_group):
    queued = []
    monkeypatch.setattr("modules.payments.receivers.enqueue", lambda *args: queued.append(args))
    membership = make_membership(student=student, group=old_group)
    membership_changed.send(
        sender=Membership,
        event=MembershipChanged(membership.pk, membership.group_id, membership.student_id, "joined"),
        membership=membership,
        change="joined",
        actor=None,
    )
    assert queued == [("modules.payments.tasks.sync_membership_billing", membership.pk, "joined")]
    assert not PaymentSchedule.objects.exists()  # nothing done in the sender's transaction


def test_the_task_reads_current_state_not_the_change_it_was_told(student, old_group):
    membership = make_membership(student=student, group=old_group, joined_on=date(2026, 9, 1))
    Membership.objects.filter(pk=membership.pk).update(status="left", left_on=date(2026, 9, 2))
    assert sync_membership_billing(membership.pk, "joined") == {"opened": 0}
    assert sync_membership_billing(10**9, "joined") == {}
    assert not PaymentSchedule.objects.exists()


def test_move_ends_old_billing_on_the_move_date_and_starts_the_new_groups(
    billed, new_group, admin, today, run_on_commit
):
    membership, old_invoice = billed
    today(date(2026, 10, 15))
    with run_on_commit():
        moved = roster.membership_move(membership=membership, to_group=new_group, actor=admin)
    old_schedule = PaymentSchedule.objects.get(membership=membership)
    assert (old_schedule.is_active, old_schedule.active_to) == (False, date(2026, 10, 14))
    new_schedule = PaymentSchedule.objects.get(membership=moved)
    assert (new_schedule.is_active, new_schedule.active_from) == (True, date(2026, 10, 15))
    # old group: 1-14 October (14 days); the 17 days from the move on are credited
    old_invoice.refresh_from_db()
    assert old_invoice.amount == 14 * 2_000_000 and old_invoice.status == "pending"
    [credit] = PaymentCredit.objects.filter(payment=old_invoice)
    assert (credit.days, credit.amount, credit.adjusted) == (17, 17 * 2_000_000, True)
    assert old_invoice.history.last().reason.startswith("credit for 17 day(s)")
    # new group: 15-31 October, invoiced straight away
    new_invoice = Payment.objects.get(schedule=new_schedule, period=date(2026, 10, 1))
    assert (new_invoice.group_id, new_invoice.amount, new_invoice.billed_days) == (
        new_group.pk,
        17 * 3_000_000,
        17,
    )


def test_the_move_task_twice_changes_nothing_more(billed, new_group, admin, today, run_on_commit):
    membership, old_invoice = billed
    today(date(2026, 10, 15))
    with run_on_commit():
        moved = roster.membership_move(membership=membership, to_group=new_group, actor=admin)
    again = sync_membership_billing(moved.pk, "moved")
    assert again == {"closed": 0, "credited_days": 0, "opened": 0, "invoiced": 0}
    assert PaymentCredit.objects.count() == 1
    assert Payment.objects.filter(period=date(2026, 10, 1)).count() == 2
    assert PaymentSchedule.objects.filter(is_active=True).count() == 1


def test_next_month_after_a_move_bills_only_the_new_group(billed, new_group, admin, today, run_on_commit):
    membership, _ = billed
    today(date(2026, 10, 15))
    with run_on_commit():
        roster.membership_move(membership=membership, to_group=new_group, actor=admin)
    today(date(2026, 10, 28))
    generate_invoices()
    november = Payment.objects.filter(period=date(2026, 11, 1))
    assert [(p.group_id, p.amount) for p in november] == [(new_group.pk, NEW_PRICE)]


def test_freeze_after_the_invoice_credits_the_frozen_days(billed, admin, today, run_on_commit):
    membership, invoice = billed
    today(date(2026, 10, 3))
    with run_on_commit():
        roster.membership_freeze(
            membership=membership, start_date=date(2026, 10, 10), end_date=date(2026, 10, 19), actor=admin
        )
    invoice.refresh_from_db()
    assert invoice.amount == 21 * 2_000_000 and invoice.status == "pending"
    [credit] = PaymentCredit.objects.filter(payment=invoice)
    assert (credit.days, credit.amount, credit.adjusted) == (10, 10 * 2_000_000, True)
    last = invoice.history.last()
    assert (last.from_status, last.to_status, last.source) == ("pending", "pending", "system")
    assert "10 day(s)" in last.reason
    # the task again (a retry): nothing new
    assert sync_membership_billing(membership.pk, "frozen") == {"credited_days": 0}
    invoice.refresh_from_db()
    assert invoice.amount == 21 * 2_000_000 and invoice.history.count() == 2
    assert PaymentCredit.objects.count() == 1


def test_a_second_freeze_in_the_month_credits_only_its_own_days(billed, admin, today, run_on_commit):
    membership, invoice = billed
    today(date(2026, 10, 3))
    for start, end in ((date(2026, 10, 5), date(2026, 10, 6)), (date(2026, 10, 20), date(2026, 10, 22))):
        with run_on_commit():
            roster.membership_freeze(membership=membership, start_date=start, end_date=end, actor=admin)
    invoice.refresh_from_db()
    assert [c.days for c in PaymentCredit.objects.filter(payment=invoice)] == [2, 3]
    assert invoice.amount == 26 * 2_000_000


def test_a_paid_invoice_gets_a_credit_note_owed_to_the_student(billed, admin, today, run_on_commit):
    membership, invoice = billed
    invoice.status, invoice.paid_at, invoice.method = "paid", invoice.created_at, "cash"
    invoice.save()
    today(date(2026, 10, 3))
    with run_on_commit():
        roster.membership_freeze(
            membership=membership, start_date=date(2026, 10, 10), end_date=date(2026, 10, 12), actor=admin
        )
    invoice.refresh_from_db()
    assert invoice.amount == OLD_PRICE and invoice.status == "paid"
    [credit] = PaymentCredit.objects.filter(payment=invoice)
    assert (credit.days, credit.amount, credit.adjusted) == (3, 3 * 2_000_000, False)
    assert invoice.history.last().reason.startswith("credit note owed")
    from modules.payments.ledger_models import BalanceEntry, StudentBalance

    [entry] = BalanceEntry.objects.filter(student=invoice.student, kind="credit")
    assert entry.amount == 3 * 2_000_000  # owed to the student: on their balance, not lost in a note
    assert StudentBalance.objects.get(student=invoice.student).balance == 3 * 2_000_000
    with run_on_commit():
        sync_membership_billing(membership.pk, "frozen")  # a retried task credits nothing twice
    assert BalanceEntry.objects.filter(student=invoice.student, kind="credit").count() == 1


def test_an_invoice_payme_is_paying_keeps_its_amount(billed, admin, today, run_on_commit):
    membership, invoice = billed
    today(date(2026, 10, 3))
    PaymeTransaction.objects.create(
        payme_id="b" * 24, payme_time=now_ms(), amount=invoice.amount, payment=invoice, create_time=now_ms()
    )
    with run_on_commit():
        roster.membership_freeze(
            membership=membership, start_date=date(2026, 10, 10), end_date=date(2026, 10, 12), actor=admin
        )
    invoice.refresh_from_db()
    assert invoice.amount == OLD_PRICE  # Payme checks the amount it was told
    assert PaymentCredit.objects.get(payment=invoice).adjusted is False


def test_a_whole_month_frozen_cancels_the_unpaid_invoice(billed, admin, today, run_on_commit):
    membership, invoice = billed
    today(date(2026, 10, 1))
    with run_on_commit():
        roster.membership_freeze(
            membership=membership, start_date=date(2026, 10, 1), end_date=date(2026, 10, 31), actor=admin
        )
    invoice.refresh_from_db()
    assert invoice.status == "cancelled" and invoice.amount == OLD_PRICE
    credit = PaymentCredit.objects.get(payment=invoice)
    assert (credit.days, credit.amount) == (31, OLD_PRICE)


def test_a_freeze_known_at_generation_is_not_credited_again(student, old_group, admin, today, run_on_commit):
    membership = make_membership(student=student, group=old_group, joined_on=date(2026, 9, 1))
    sync_membership_billing(membership.pk, "joined")
    today(date(2026, 9, 20))
    roster.membership_freeze(
        membership=membership, start_date=date(2026, 10, 1), end_date=date(2026, 10, 10), actor=admin
    )
    today(date(2026, 10, 1))
    generate_invoices()
    invoice = Payment.objects.get(period=date(2026, 10, 1))
    assert (invoice.amount, invoice.billed_days) == (21 * 2_000_000, 21)
    assert sync_membership_billing(membership.pk, "frozen") == {"credited_days": 0}
    assert not PaymentCredit.objects.exists()


def test_credit_notes_are_append_only(billed, admin, today, run_on_commit):
    from modules.payments.models import PaymentHistoryImmutable

    membership, invoice = billed
    with run_on_commit():
        roster.membership_freeze(
            membership=membership, start_date=date(2026, 10, 10), end_date=date(2026, 10, 12), actor=admin
        )
    credit = PaymentCredit.objects.get()
    with pytest.raises(PaymentHistoryImmutable):
        credit.save()
    with pytest.raises(PaymentHistoryImmutable):
        PaymentCredit.objects.all().delete()

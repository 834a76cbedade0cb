"""Monthly generation (proration, freezes, discounts, leaving), overdue marking and reminders."""

from __future__ import annotations

from datetime import date

import pytest

from modules.courses.models import FreezePeriod, Membership
from modules.courses.signals import membership_changed
from modules.payments import signals
from modules.payments.billing import generate_invoices
from modules.payments.models import Payment, PaymentHistory, PaymentReminder, PaymentSchedule
from modules.payments.overdue import mark_payments_overdue, send_due_reminders
from tests.factories.payments import PaymentFactory, PaymentScheduleFactory, make_group, make_membership

pytestmark = pytest.mark.django_db

PRICE = 60_000_000  # 600,000 UZS


@pytest.fixture
def group(teacher):
    return make_group(teacher=teacher, monthly_price=PRICE, name="English B1")


@pytest.fixture
def membership(student, group):
    return make_membership(student=student, group=group, joined_on=date(2026, 1, 10))


@pytest.fixture
def schedule(membership):
    return PaymentScheduleFactory(membership=membership, due_day=5, active_from=date(2026, 1, 10))


@pytest.fixture
def captured():
    """Signals payments sent during the test: [(name, kwargs)]."""
    seen = []
    names = ["payment_created", "payment_overdue", "payment_due_soon", "payment_paid"]
    handlers = {}
    for name in names:

        def handler(sender, _name=name, **kwargs):
            kwargs.pop("signal", None)
            seen.append((_name, kwargs))

        handlers[name] = handler
        getattr(signals, name).connect(handler, weak=False, dispatch_uid=f"test-{name}")
    yield seen
    for name in names:
        getattr(signals, name).disconnect(dispatch_uid=f"test-{name}")


def test_full_month_invoice(schedule, student, group, captured):
    result = generate_invoices(today=date(2026, 3, 1))
    assert result.created == 1 and result.periods == [date(2026, 3, 1)]
    inv = Payment.objects.get()
    assert (inv.student_id, inv.group_id, inv.amount, inv.currency) == (student.pk, group.pk, PRICE, "UZS")
    assert (inv.period, inv.due_date, inv.status, inv.schedule_id) == (
        date(2026, 3, 1),
        date(2026, 3, 5),
        "pending",
        schedule.pk,
    )
    assert inv.description == "English B1 — March 2026"
    history = list(
        PaymentHistory.objects.filter(payment=inv).values_list("from_status", "to_status", "actor")
    )
    assert history == [("", "pending", None)]
    assert [(n, kw["event"].payment_ids) for n, kw in captured] == [("payment_created", (inv.pk,))]


def test_generation_is_idempotent(schedule):
    generate_invoices(today=date(2026, 3, 1))
    again = generate_invoices(today=date(2026, 3, 2))
    assert again.created == 0
    assert Payment.objects.count() == 1
    assert PaymentHistory.objects.count() == 1


def test_next_month_is_issued_a_week_ahead(schedule):
    generate_invoices(today=date(2026, 3, 1))
    result = generate_invoices(today=date(2026, 3, 26))
    assert result.periods == [date(2026, 3, 1), date(2026, 4, 1)]
    assert result.created == 1
    assert sorted(Payment.objects.values_list("period", flat=True)) == [date(2026, 3, 1), date(2026, 4, 1)]


def test_joining_mid_month_is_prorated_and_due_after_a_grace(student, group):
    m = make_membership(student=student, group=group, joined_on=date(2026, 3, 11))
    PaymentScheduleFactory(membership=m, due_day=5, active_from=m.joined_on)
    generate_invoices(today=date(2026, 3, 11))
    inv = Payment.objects.get()
    assert inv.amount == (PRICE * 21 * 2 + 31) // (2 * 31)  # 21 of 31 days, rounded half up
    assert inv.description.endswith("(21/31 days)")
    assert inv.due_date == date(2026, 3, 16)  # the 5th had passed: due 5 days after issue


def test_frozen_days_are_not_billed(schedule, membership):
    FreezePeriod.objects.create(
        membership=membership, start_date=date(2026, 2, 20), end_date=date(2026, 3, 10)
    )
    # an overlapping freeze counts its days once
    FreezePeriod.objects.create(
        membership=membership, start_date=date(2026, 3, 5), end_date=date(2026, 3, 12)
    )
    generate_invoices(today=date(2026, 3, 1))
    inv = Payment.objects.get()
    assert inv.amount == (PRICE * 19 * 2 + 31) // (2 * 31)  # 31 - 12 frozen days


def test_a_fully_frozen_month_gets_no_invoice(schedule, membership):
    FreezePeriod.objects.create(
        membership=membership, start_date=date(2026, 3, 1), end_date=date(2026, 3, 31)
    )
    result = generate_invoices(today=date(2026, 3, 1))
    assert result.created == 0 and result.skipped == 1
    assert not Payment.objects.exists()


@pytest.mark.parametrize(
    "discount_type,value,expected",
    [("percent", 10, PRICE * 9 // 10), ("fixed", 5_000_000, PRICE - 5_000_000), ("none", 0, PRICE)],
)
def test_discount_is_applied_at_generation_time(schedule, membership, discount_type, value, expected):
    Membership.objects.filter(pk=membership.pk).update(discount_type=discount_type, discount_value=value)
    generate_invoices(today=date(2026, 3, 1))
    assert Payment.objects.get().amount == expected


def test_full_discount_means_no_invoice(schedule, membership):
    Membership.objects.filter(pk=membership.pk).update(discount_type="percent", discount_value=100)
    assert generate_invoices(today=date(2026, 3, 1)).created == 0


def test_fixed_schedule_amount_overrides_the_price(schedule):
    PaymentSchedule.objects.filter(pk=schedule.pk).update(amount=12_300_000)
    generate_invoices(today=date(2026, 3, 1))
    assert Payment.objects.get().amount == 12_300_000


def test_a_student_who_left_stops_being_billed(schedule, membership):
    Membership.objects.filter(pk=membership.pk).update(status="left", left_on=date(2026, 2, 15))
    result = generate_invoices(today=date(2026, 3, 1))
    assert result.created == 0 and result.closed == 1
    schedule.refresh_from_db()
    assert schedule.is_active is False


def test_leaving_mid_month_bills_the_days_before(schedule, membership):
    Membership.objects.filter(pk=membership.pk).update(status="left", left_on=date(2026, 3, 16))
    generate_invoices(today=date(2026, 3, 1))
    assert Payment.objects.get().amount == (PRICE * 15 * 2 + 31) // (2 * 31)


def test_schedule_range_limits_billing(schedule):
    PaymentSchedule.objects.filter(pk=schedule.pk).update(active_to=date(2026, 2, 28))
    assert generate_invoices(today=date(2026, 3, 1)).created == 0
    PaymentSchedule.objects.filter(pk=schedule.pk).update(active_to=date(2026, 3, 10))
    generate_invoices(today=date(2026, 3, 1))
    assert Payment.objects.get().amount == (PRICE * 10 * 2 + 31) // (2 * 31)


def test_inactive_schedules_are_not_billed(schedule):
    PaymentSchedule.objects.filter(pk=schedule.pk).update(is_active=False)
    assert generate_invoices(today=date(2026, 3, 1)).created == 0


# --- membership signals ------------------------------------------------------------------------------


def changed(m, change):
    from modules.courses.signals import MembershipChanged

    return MembershipChanged(m.pk, m.group_id, m.student_id, change)


def test_joining_a_paid_group_opens_a_schedule_and_leaving_closes_it(student, group, run_on_commit):
    m = make_membership(student=student, group=group, joined_on=date(2026, 3, 1))
    with run_on_commit():
        membership_changed.send(
            sender=Membership, event=changed(m, "joined"), membership=m, change="joined", actor=None
        )
    schedule = PaymentSchedule.objects.get(membership=m)
    assert (schedule.is_active, schedule.active_from, schedule.amount) == (True, date(2026, 3, 1), None)
    with run_on_commit():
        membership_changed.send(
            sender=Membership, event=changed(m, "joined"), membership=m, change="joined", actor=None
        )
    assert PaymentSchedule.objects.filter(membership=m).count() == 1  # no double billing

    Membership.objects.filter(pk=m.pk).update(status="left", left_on=date(2026, 4, 10))
    m.refresh_from_db()
    with run_on_commit():
        membership_changed.send(
            sender=Membership, event=changed(m, "left"), membership=m, change="left", actor=None
        )
    schedule.refresh_from_db()
    assert (schedule.is_active, schedule.active_to) == (False, date(2026, 4, 9))


def test_joining_a_free_group_opens_nothing(student, teacher, run_on_commit):
    m = make_membership(student=student, group=make_group(teacher=teacher, monthly_price=0))
    with run_on_commit():
        membership_changed.send(
            sender=Membership, event=changed(m, "joined"), membership=m, change="joined", actor=None
        )
    assert not PaymentSchedule.objects.exists()


# --- overdue -------------------------------------------------------------------------------------------


@pytest.fixture
def published(monkeypatch):
    events = []

    def record(*, channel, type, data):
        events.append((channel, type, data.model_dump(mode="json")))

    monkeypatch.setattr("modules.payments.events.publish_on_commit", record)
    return events


def test_overdue_marking_flips_only_late_pending_invoices(student, captured, published, run_on_commit):
    today = date(2026, 3, 10)
    late = PaymentFactory(student=student, due_date=date(2026, 3, 9))
    late2 = PaymentFactory(student=student, due_date=date(2026, 2, 1))
    due_today = PaymentFactory(student=student, due_date=today)
    paid = PaymentFactory(student=student, due_date=date(2026, 3, 1), status="paid")
    cancelled = PaymentFactory(student=student, due_date=date(2026, 3, 1), status="cancelled")
    with run_on_commit():
        result = mark_payments_overdue(today=today)
    assert sorted(result.ids) == sorted([late.pk, late2.pk])
    statuses = dict(Payment.objects.values_list("pk", "status"))
    assert statuses == {
        late.pk: "overdue",
        late2.pk: "overdue",
        due_today.pk: "pending",
        paid.pk: "paid",
        cancelled.pk: "cancelled",
    }
    rows = PaymentHistory.objects.filter(to_status="overdue").values_list(
        "payment_id", "from_status", "actor", "source"
    )
    assert sorted(rows) == sorted(
        [(late.pk, "pending", None, "system"), (late2.pk, "pending", None, "system")]
    )
    overdue_signals = [kw for name, kw in captured if name == "payment_overdue"]
    assert [kw["payment_ids"] for kw in overdue_signals] == [sorted([late.pk, late2.pk])]
    assert overdue_signals[0]["event"].payment_ids == tuple(sorted([late.pk, late2.pk]))
    channels = sorted(
        (c, d["id"], d["status"], d["previous_status"]) for c, t, d in published if t == "payment.updated"
    )
    assert channels == sorted(
        [(f"user:{student.pk}", pk, "overdue", "pending") for pk in (late.pk, late2.pk)]
        + [("dashboard", pk, "overdue", "pending") for pk in (late.pk, late2.pk)]
    )
    with run_on_commit():
        assert mark_payments_overdue(today=today).count == 0
    assert PaymentHistory.objects.filter(to_status="overdue").count() == 2


# --- reminders -------------------------------------------------------------------------------------------


def test_reminders_go_out_3_and_1_days_before_once(student, captured):
    today = date(2026, 3, 10)
    in3 = PaymentFactory(student=student, due_date=date(2026, 3, 13))
    in1 = PaymentFactory(student=student, due_date=date(2026, 3, 11))
    PaymentFactory(student=student, due_date=date(2026, 3, 12))
    PaymentFactory(student=student, due_date=date(2026, 3, 13), status="paid")
    assert send_due_reminders(today=today) == {3: 1, 1: 1}
    due_soon = sorted((kw["payment"].pk, kw["days"]) for name, kw in captured if name == "payment_due_soon")
    assert due_soon == sorted([(in3.pk, 3), (in1.pk, 1)])
    assert send_due_reminders(today=today) == {3: 0, 1: 0}
    assert PaymentReminder.objects.count() == 2
    # two days later the first invoice is one day away: its 1-day reminder goes out too
    assert send_due_reminders(today=date(2026, 3, 12)) == {3: 0, 1: 1}

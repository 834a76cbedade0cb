"""Monthly invoice generation from billing schedules.

Idempotent: one invoice per (schedule, period), guarded by a unique constraint. A month is billed in
proportion to the days the student is billable in it: joined, not left, inside the schedule's range
and not frozen (FreezePeriod). A month with no billable day gets no invoice. A schedule whose student
has left is closed."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from modules.courses.models import FreezePeriod, Membership
from modules.payments import signals
from modules.payments.models import Payment, PaymentHistory, PaymentSchedule

LEAD_DAYS = 7  # next month's invoices are issued a week before the month starts
LATE_GRACE_DAYS = 5  # an invoice issued after its nominal due day is due this many days later
CHUNK = 2000


@dataclass
class GenerationResult:
    created: int = 0
    skipped: int = 0
    closed: int = 0
    periods: list[date] = field(default_factory=list)


@dataclass(frozen=True)
class Bill:
    amount: int
    billable_days: int
    month_days: int


def month_bounds(period: date) -> tuple[date, date]:
    first = period.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def billable_days(schedule: PaymentSchedule, membership: Membership, freezes, period: date) -> int:
    first, last = month_bounds(period)
    start = max(first, membership.joined_on, schedule.active_from)
    end = last
    if schedule.active_to:
        end = min(end, schedule.active_to)
    if membership.left_on:
        end = min(end, membership.left_on - timedelta(days=1))
    if start > end:
        return 0
    frozen: set[int] = set()
    for freeze in freezes:
        lo, hi = max(start, freeze.start_date), min(end, freeze.end_date)
        frozen.update(range(lo.toordinal(), hi.toordinal() + 1))
    return (end - start).days + 1 - len(frozen)


def compute_bill(schedule: PaymentSchedule, membership: Membership, freezes, period: date) -> Bill:
    month_days = calendar.monthrange(period.year, period.month)[1]
    days = billable_days(schedule, membership, freezes, period)
    full = schedule.amount if schedule.amount is not None else membership.monthly_amount()
    if days >= month_days:
        return Bill(full, month_days, month_days)
    # integer rounding half up: no floats near money
    return Bill((full * days * 2 + month_days) // (2 * month_days), days, month_days)


def periods_for(today: date) -> list[date]:
    return sorted({today.replace(day=1), (today + timedelta(days=LEAD_DAYS)).replace(day=1)})


def generate_invoices(*, today: date | None = None) -> GenerationResult:
    today = today or timezone.localdate()
    result = GenerationResult(periods=periods_for(today))
    for period in result.periods:
        _generate_period(period, today, result)
    return result


def _due_schedules(period: date):
    first, last = month_bounds(period)
    already = Payment.objects.filter(schedule=OuterRef("pk"), period=first)
    freezes = FreezePeriod.objects.filter(start_date__lte=last, end_date__gte=first)
    return (
        PaymentSchedule.objects.filter(is_active=True, active_from__lte=last)
        .filter(Q(active_to__isnull=True) | Q(active_to__gte=first))
        .exclude(Exists(already))
        .select_related("membership__group")
        .prefetch_related(Prefetch("membership__freezes", queryset=freezes, to_attr="period_freezes"))
        .order_by("id")
    )


def _describe(schedule: PaymentSchedule, period: date, bill: Bill) -> str:
    text = f"{schedule.membership.group.name} — {period:%B %Y}"
    if bill.billable_days < bill.month_days:
        text += f" ({bill.billable_days}/{bill.month_days} days)"
    return text[:255]


def _generate_period(period: date, today: date, result: GenerationResult) -> None:
    first, last = month_bounds(period)
    batch: list[Payment] = []
    to_close: list[int] = []
    for schedule in _due_schedules(first).iterator(chunk_size=CHUNK):
        membership = schedule.membership
        if membership.status == Membership.Status.LEFT and (
            membership.left_on is None or membership.left_on <= first
        ):
            to_close.append(schedule.pk)
            continue
        bill = compute_bill(schedule, membership, membership.period_freezes, first)
        if bill.amount <= 0:
            result.skipped += 1
            continue
        nominal_due = first.replace(day=schedule.due_day)
        batch.append(
            Payment(
                student_id=membership.student_id,
                group_id=membership.group_id,
                amount=bill.amount,
                description=_describe(schedule, first, bill),
                period=first,
                due_date=nominal_due if nominal_due >= today else today + timedelta(days=LATE_GRACE_DAYS),
                schedule=schedule,
            )
        )
        if len(batch) >= CHUNK:
            result.created += _insert(batch)
            batch = []
    if batch:
        result.created += _insert(batch)
    if to_close:
        result.closed += PaymentSchedule.objects.filter(pk__in=to_close).update(
            is_active=False, updated_at=timezone.now()
        )


def _insert(batch: list[Payment]) -> int:
    try:
        with transaction.atomic():
            created = Payment.objects.bulk_create(batch)
            _created(created)
            return len(created)
    except IntegrityError:
        # another run generated some of these meanwhile: fall back to one at a time
        count = 0
        for payment in batch:
            try:
                with transaction.atomic():
                    payment.pk = None
                    payment.save(force_insert=True)
                    _created([payment])
                    count += 1
            except IntegrityError:
                continue
        return count


def _created(payments: list[Payment]) -> None:
    PaymentHistory.objects.bulk_create(
        [
            PaymentHistory(payment=p, from_status="", to_status=p.status, source="system", reason="generated")
            for p in payments
        ]
    )
    for payment in payments:
        signals.payment_created.send(sender=Payment, payment=payment)

"""Monthly invoice generation from billing schedules.

Idempotent: one invoice per (schedule, period), guarded by a unique constraint. A month is billed in
proportion to the days the student is billable in it: joined, not left, inside the schedule's range
and not frozen (FreezePeriod). A month with no billable day gets no invoice. A schedule whose student
has left is closed."""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import SimpleNamespace

from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef, Q
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


@dataclass(frozen=True)
class DueSchedule:
    """What billing needs of a schedule, its membership and group: read as plain values, since a
    month's run touches every active schedule."""

    id: int
    amount: int | None
    due_day: int
    active_from: date
    active_to: date | None
    membership_id: int
    student_id: int
    group_id: int
    group_name: str
    group_price: int
    joined_on: date
    left_on: date | None
    status: str
    discount_type: str
    discount_value: int

    def monthly_amount(self) -> int:
        if self.amount is not None:
            return self.amount
        # the membership's own rule (courses owns it), applied without loading the model
        terms = SimpleNamespace(
            discount_type=self.discount_type,
            discount_value=self.discount_value,
            DiscountType=Membership.DiscountType,
        )
        return Membership.monthly_amount(terms, base=self.group_price)


def billable_days(due: DueSchedule, freezes, period: date) -> int:
    first, last = month_bounds(period)
    start = max(first, due.joined_on, due.active_from)
    end = last
    if due.active_to:
        end = min(end, due.active_to)
    if due.left_on:
        end = min(end, due.left_on - timedelta(days=1))
    if start > end:
        return 0
    frozen: set[int] = set()
    for freeze_start, freeze_end in freezes:
        lo, hi = max(start, freeze_start), min(end, freeze_end)
        frozen.update(range(lo.toordinal(), hi.toordinal() + 1))
    return (end - start).days + 1 - len(frozen)


def compute_bill(due: DueSchedule, freezes, period: date) -> Bill:
    month_days = calendar.monthrange(period.year, period.month)[1]
    days = billable_days(due, freezes, period)
    full = due.monthly_amount()
    if days >= month_days:
        return Bill(full, month_days, month_days)
    # integer rounding half up: no floats near money
    return Bill((full * days * 2 + month_days) // (2 * month_days), days, month_days)


def periods_for(today: date) -> list[date]:
    return sorted({today.replace(day=1), (today + timedelta(days=LEAD_DAYS)).replace(day=1)})


def generate_invoices(
    *, today: date | None = None, schedule_ids: list[int] | None = None
) -> GenerationResult:
    """This month's and (a week ahead) next month's invoices of every active schedule, or only of
    `schedule_ids` (a schedule just opened by a move bills its first month straight away)."""
    today = today or timezone.localdate()
    result = GenerationResult(periods=periods_for(today))
    for period in result.periods:
        _generate_period(period, today, result, schedule_ids)
    return result


FIELDS = {
    "id": "id",
    "amount": "amount",
    "due_day": "due_day",
    "active_from": "active_from",
    "active_to": "active_to",
    "membership_id": "membership_id",
    "student_id": "membership__student_id",
    "group_id": "membership__group_id",
    "group_name": "membership__group__name",
    "group_price": "membership__group__monthly_price",
    "joined_on": "membership__joined_on",
    "left_on": "membership__left_on",
    "status": "membership__status",
    "discount_type": "membership__discount_type",
    "discount_value": "membership__discount_value",
}


def due_schedule_rows(schedules):
    """`schedules` (a PaymentSchedule queryset) as DueSchedule values, in id order."""
    names = list(FIELDS)
    for row in schedules.order_by("id").values_list(*FIELDS.values()).iterator(chunk_size=CHUNK):
        yield DueSchedule(**dict(zip(names, row, strict=True)))


def _due_schedules(first: date, last: date, schedule_ids: list[int] | None = None):
    already = Payment.objects.filter(schedule=OuterRef("pk"), period=first)
    scope = (
        PaymentSchedule.objects.all()
        if schedule_ids is None
        else PaymentSchedule.objects.filter(pk__in=schedule_ids)
    )
    rows = (
        scope.filter(is_active=True, active_from__lte=last)
        .filter(Q(active_to__isnull=True) | Q(active_to__gte=first))
        .exclude(Exists(already))
    )
    return due_schedule_rows(rows)


def freezes_in(first: date, last: date, membership_ids=None) -> dict[int, list[tuple[date, date]]]:
    """Every freeze overlapping the month, by membership (few: one query for the whole run)."""
    out: dict[int, list[tuple[date, date]]] = defaultdict(list)
    rows = FreezePeriod.objects.filter(start_date__lte=last, end_date__gte=first)
    if membership_ids is not None:
        rows = rows.filter(membership_id__in=membership_ids)
    rows = rows.values_list("membership_id", "start_date", "end_date")
    for membership_id, start, end in rows:
        out[membership_id].append((start, end))
    return out


def _describe(due: DueSchedule, period: date, bill: Bill) -> str:
    text = f"{due.group_name} — {period:%B %Y}"
    if bill.billable_days < bill.month_days:
        text += f" ({bill.billable_days}/{bill.month_days} days)"
    return text[:255]


def _generate_period(period: date, today: date, result: GenerationResult, schedule_ids=None) -> None:
    first, last = month_bounds(period)
    freezes = freezes_in(first, last)
    batch: list[Payment] = []
    to_close: list[int] = []
    for due in _due_schedules(first, last, schedule_ids):
        if due.status == Membership.Status.LEFT and (due.left_on is None or due.left_on <= first):
            to_close.append(due.id)
            continue
        bill = compute_bill(due, freezes.get(due.membership_id, ()), first)
        if bill.amount <= 0:
            result.skipped += 1
            continue
        nominal_due = first.replace(day=due.due_day)
        batch.append(
            Payment(
                student_id=due.student_id,
                group_id=due.group_id,
                amount=bill.amount,
                description=_describe(due, first, bill),
                period=first,
                billed_days=bill.billable_days,
                due_date=nominal_due if nominal_due >= today else today + timedelta(days=LATE_GRACE_DAYS),
                schedule_id=due.id,
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
    _record_created([p.pk for p in payments])
    signals.payment_created.send(
        sender=Payment, event=signals.PaymentsCreated(payment_ids=tuple(p.pk for p in payments))
    )


def _record_created(ids: list[int]) -> None:
    """The creation rows of a batch, written by one INSERT ... SELECT (no model instances)."""
    history, table = PaymentHistory._meta.db_table, Payment._meta.db_table
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {history} (payment_id, from_status, to_status, actor_id, source, reason, created_at) "
            f"SELECT id, '', status, NULL, 'system', 'generated', %s FROM {table} WHERE id IN ({marks})",
            [timezone.now(), *ids],
        )

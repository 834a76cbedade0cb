"""The scale demo's invoices: three months per membership, most of them paid, the rest pending or
overdue. Loaded in bulk; idempotent."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from core.bulk import bulk
from modules.courses.models import Membership
from modules.courses.seed_scale import scale_groups
from modules.payments.models import Payment


def seed_scale(stdout, *, students: int) -> None:
    groups = scale_groups()
    if not groups or Payment.objects.filter(group__in=groups).exists():
        return
    rng = random.Random(13)
    today = timezone.localdate()
    price = {g.pk: g.monthly_price for g in groups}
    months = [(today.replace(day=1) - timedelta(days=31 * k)).replace(day=1) for k in (2, 1, 0)]
    invoices = [
        _invoice(sid, gid, price[gid], period, today, rng)
        for gid, sid in Membership.objects.filter(group__in=groups).values_list("group_id", "student_id")
        for period in months
    ]
    stdout.write(f"  {len(bulk(Payment, invoices))} invoices")


def _invoice(student_id: int, group_id: int, amount: int, period: date, today: date, rng) -> Payment:
    due = period.replace(day=5)
    if due < today - timedelta(days=20) or rng.random() < 0.7:
        status, paid_at = Payment.Status.PAID, timezone.make_aware(datetime.combine(due, time(12)))
    else:
        status, paid_at = (Payment.Status.OVERDUE if due < today else Payment.Status.PENDING), None
    return Payment(
        student_id=student_id,
        group_id=group_id,
        amount=amount,
        period=period,
        due_date=due,
        status=status,
        paid_at=paid_at,
        method="cash" if paid_at else "",
        description=f"Tuition {period:%B %Y}",
    )

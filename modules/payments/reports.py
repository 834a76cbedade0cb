"""Reports: revenue by month and by group (paid invoices, by the day they were paid in the center's
time zone; refunded ones no longer count), and debtors (students with overdue invoices). Each is one
aggregate query."""

from __future__ import annotations

from datetime import date, datetime, time

from django.db.models import Count, F, Max, Min, Q, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from modules.accounts.models import User
from modules.payments.branches import in_branches, narrow
from modules.payments.models import Payment

# `branches` below: the set of branch ids a report covers (None: every branch), from
# courses.branches.report_branches, so a branch admin's report never counts another branch's money.


def _paid_between(date_from: date | None, date_to: date | None, branches=None):
    qs = narrow(Payment.objects.filter(status=Payment.Status.PAID, paid_at__isnull=False), branches)
    zone = timezone.get_current_timezone()
    if date_from:
        qs = qs.filter(paid_at__gte=datetime.combine(date_from, time.min, tzinfo=zone))
    if date_to:
        qs = qs.filter(paid_at__lte=datetime.combine(date_to, time.max, tzinfo=zone))
    return qs


def revenue_by_month(
    *, date_from: date | None = None, date_to: date | None = None, branches=None
) -> list[dict]:
    rows = (
        _paid_between(date_from, date_to, branches)
        .annotate(month=TruncMonth("paid_at", tzinfo=timezone.get_current_timezone()))
        .values("month")
        .annotate(amount=Sum("amount"), payments=Count("id"))
        .order_by("month")
    )
    return [
        {
            "month": _as_date(r["month"]),
            "amount": r["amount"] or 0,
            "payments": r["payments"],
            "currency": "UZS",
        }
        for r in rows
    ]


def _as_date(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def revenue_by_group(
    *, date_from: date | None = None, date_to: date | None = None, branches=None
) -> list[dict]:
    rows = (
        _paid_between(date_from, date_to, branches)
        .values("group_id", "group__name")
        .annotate(amount=Sum("amount"), payments=Count("id"))
        .order_by("-amount", "group_id")
    )
    return [
        {
            "group_id": r["group_id"],
            "group_name": r["group__name"] or "(no group)",
            "amount": r["amount"] or 0,
            "payments": r["payments"],
            "currency": "UZS",
        }
        for r in rows
    ]


def debtors(*, group: int | None = None, by: str = "overdue", branches=None) -> list[dict]:
    """Students who owe on overdue invoices (a partly paid invoice past its due date counts), what
    they still owe (amounts less what was paid), and the balance they hold; `by` orders by overdue
    amount or by what is owed once the balance is set against it."""
    today = timezone.localdate()
    overdue = Q(payments__status=Payment.Status.OVERDUE) | Q(
        payments__status=Payment.Status.PARTIALLY_PAID, payments__due_date__lt=today
    )
    pending = Q(payments__status=Payment.Status.PENDING) | Q(
        payments__status=Payment.Status.PARTIALLY_PAID, payments__due_date__gte=today
    )
    if group:
        overdue &= Q(payments__group_id=group)
        pending &= Q(payments__group_id=group)
    if branches is not None:
        inside = in_branches(branches, group="payments__group", student="id")
        overdue &= inside
        pending &= inside
    owed = F("payments__amount") - F("payments__amount_paid")
    rows = (
        User.objects.filter(role=User.Role.STUDENT)
        .annotate(
            overdue_amount=Sum(owed, filter=overdue),
            overdue_invoices=Count("payments", filter=overdue),
            pending_amount=Sum(owed, filter=pending),
            oldest_due_date=Min("payments__due_date", filter=overdue),
            balance=Coalesce(Max("money_balance__balance"), 0),
        )
        .filter(overdue_invoices__gt=0)
        .order_by("-overdue_amount", "id")
        .values(
            "id",
            "first_name",
            "last_name",
            "phone",
            "overdue_amount",
            "overdue_invoices",
            "pending_amount",
            "oldest_due_date",
            "balance",
        )
    )
    out = []
    for r in rows:
        overdue_amount, pending_amount = r["overdue_amount"] or 0, r["pending_amount"] or 0
        total = overdue_amount + pending_amount
        out.append(
            {
                "student": {
                    "id": r["id"],
                    "first_name": r["first_name"],
                    "last_name": r["last_name"],
                    "phone": r["phone"],
                },
                "overdue_amount": overdue_amount,
                "overdue_invoices": r["overdue_invoices"],
                "pending_amount": pending_amount,
                "total_owed": total,
                "balance": r["balance"],
                "net_owed": max(total - r["balance"], 0),
                "oldest_due_date": r["oldest_due_date"],
                "currency": "UZS",
            }
        )
    if by == "net_owed":
        out.sort(key=lambda d: (-d["net_owed"], d["student"]["id"]))
    return out

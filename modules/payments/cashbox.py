"""The cash desk report: one day (the center's time zone), per method and cashier, every payment
and refund listed. Money moved from a student's balance onto an invoice is not cash and is left
out (the cash came in when the prepayment was taken)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from modules.payments.branches import narrow
from modules.payments.ledger_models import PaymentRecord
from modules.payments.models import Payment


def day_records(day: date, *, branches=None):
    """The day's records in `branches` (None: all): an invoice's by its group, a prepayment by the
    student's branches (modules/payments/branches.py)."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(day, time.min, tzinfo=zone)
    qs = (
        PaymentRecord.objects.filter(occurred_at__gte=start, occurred_at__lt=start + timedelta(days=1))
        .exclude(method=Payment.Method.BALANCE)
        .select_related("cashier")
        .order_by("occurred_at", "id")
    )
    return list(narrow(qs, branches, group="payment__group"))


def cashbox_report(*, day: date | None = None, branch: int | None = None, branches=None) -> dict:
    """`branch` is what was asked for (echoed back); `branches` what the report covers."""
    day = day or timezone.localdate()
    records = day_records(day, branches=branches)
    groups: dict[tuple, dict] = {}
    by_method: dict[str, int] = defaultdict(int)
    for rec in records:
        key = (rec.method, rec.cashier_id)
        row = groups.setdefault(
            key, {"method": rec.method, "cashier": rec.cashier, "payments": 0, "refunds": 0, "count": 0}
        )
        signed = rec.amount if rec.kind == PaymentRecord.Kind.PAYMENT else -rec.amount
        row["payments" if signed > 0 else "refunds"] += abs(signed)
        row["count"] += 1
        by_method[rec.method] += signed
    totals = sorted(groups.values(), key=lambda r: (r["method"], r["cashier"].pk if r["cashier"] else 0))
    for row in totals:
        row["net"] = row["payments"] - row["refunds"]
        row["currency"] = "UZS"
    return {
        "date": day,
        "branch": branch,
        "totals": totals,
        "by_method": dict(sorted(by_method.items())),
        "net": sum(by_method.values()),
        "records": records,
        "currency": "UZS",
    }


def cashbox_table(report: dict):
    headers = [
        "receipt_number",
        "time",
        "kind",
        "method",
        "amount_tiyin",
        "amount_uzs",
        "invoice_id",
        "student_id",
        "cashier",
        "reference",
        "note",
    ]
    from modules.payments.exports import uzs

    rows = []
    for rec in report["records"]:
        signed = rec.amount if rec.kind == PaymentRecord.Kind.PAYMENT else -rec.amount
        rows.append(
            [
                rec.receipt_number or "",  # a gateway's record: its reference is the receipt
                timezone.localtime(rec.occurred_at),
                rec.kind,
                rec.method,
                signed,
                uzs(signed) if signed >= 0 else "-" + uzs(-signed),
                rec.payment_id,
                rec.student_id,
                rec.cashier.full_name if rec.cashier else "",
                rec.external_reference,
                rec.note,
            ]
        )
    for row in report["totals"]:
        cashier = row["cashier"].full_name if row["cashier"] else "(online)"
        rows.append(
            [
                "TOTAL",
                "",
                "net",
                row["method"],
                row["net"],
                "",
                "",
                "",
                cashier,
                "",
                f"{row['count']} records",
            ]
        )
    return headers, rows

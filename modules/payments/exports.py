"""The rows of the payment reports' CSV/XLSX downloads (written by core.exports). Amounts are written
in tiyin (the API's unit) and in UZS."""

from __future__ import annotations

from core.exports import XLSX_MIME as XLSX
from core.exports import table_response

__all__ = ["XLSX", "table_response", "debtors_table", "revenue_group_table", "revenue_month_table"]


def uzs(tiyin: int) -> str:
    return f"{tiyin // 100}.{tiyin % 100:02d}"


def revenue_month_table(rows: list[dict]):
    headers = ["month", "amount_tiyin", "amount_uzs", "payments"]
    return headers, [[r["month"], r["amount"], uzs(r["amount"]), r["payments"]] for r in rows]


def revenue_group_table(rows: list[dict]):
    headers = ["group_id", "group_name", "amount_tiyin", "amount_uzs", "payments"]
    return headers, [
        [r["group_id"], r["group_name"], r["amount"], uzs(r["amount"]), r["payments"]] for r in rows
    ]


def debtors_table(rows: list[dict]):
    headers = [
        "student_id",
        "first_name",
        "last_name",
        "phone",
        "overdue_invoices",
        "overdue_tiyin",
        "pending_tiyin",
        "total_owed_tiyin",
        "total_owed_uzs",
        "oldest_due_date",
    ]
    return headers, [
        [
            r["student"]["id"],
            r["student"]["first_name"],
            r["student"]["last_name"],
            r["student"]["phone"],
            r["overdue_invoices"],
            r["overdue_amount"],
            r["pending_amount"],
            r["total_owed"],
            uzs(r["total_owed"]),
            r["oldest_due_date"],
        ]
        for r in rows
    ]

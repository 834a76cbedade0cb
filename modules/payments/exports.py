"""Reports as CSV or XLSX downloads. Amounts are written in tiyin (the API's unit) and in UZS."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from django.http import HttpResponse
from openpyxl import Workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, str):
        return _defuse(value)
    return value.isoformat() if hasattr(value, "isoformat") else value


def _defuse(text: str) -> str:
    """A cell starting with = + - @ is a formula to spreadsheets; names are data, so neutralise them
    (a phone number such as +998901234567 stays as it is)."""
    if text[:1] in ("=", "@", "\t", "\r") or (text[:1] in ("+", "-") and not text[1:].isdigit()):
        return "'" + text
    return text


def table_response(name: str, fmt: str, headers: Sequence[str], rows: Sequence[Sequence]) -> HttpResponse:
    if fmt == "xlsx":
        book = Workbook()
        sheet = book.active
        sheet.title = name[:31]
        sheet.append(list(headers))
        for row in rows:
            sheet.append([_cell(v) for v in row])
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    else:
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(headers)
        writer.writerows([[_cell(v) for v in row] for row in rows])
        # a BOM makes Excel read the Cyrillic and Uzbek names as UTF-8
        response = HttpResponse("\ufeff" + text.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


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

"""The one writer of CSV and XLSX downloads. Every cell goes through `cell()`, so text that a
spreadsheet would run as a formula (a student who registered as `=HYPERLINK(...)`) arrives as text."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime

from django.http import HttpResponse
from openpyxl import Workbook

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv; charset=utf-8"
FORMATS = ("csv", "xlsx")

# What spreadsheets (Excel, LibreOffice, Google Sheets) read as the start of a formula or a DDE call.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "|")


def defuse(text: str) -> str:
    """Prefixes an apostrophe to text a spreadsheet would evaluate. A phone number (+998901234567)
    or a negative number (-5) stays as it is: it is data whatever the spreadsheet does with it."""
    if text[:1] in _FORMULA_STARTS and not (text[:1] in "+-" and text[1:].isdigit()):
        return "'" + text
    return text


def cell(value):
    """A value as written to a sheet: None is empty, text is defused, dates are ISO 8601."""
    if value is None:
        return ""
    if isinstance(value, str):
        return defuse(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def _cells(row: Sequence) -> list:
    return [cell(value) for value in row]


def to_csv(headers: Sequence, rows: Sequence[Sequence]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_cells(headers))
    writer.writerows(_cells(row) for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8 names right


def to_xlsx(title: str, headers: Sequence, rows: Sequence[Sequence]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    sheet.append(_cells(headers))
    for row in rows:
        sheet.append(_cells(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def table_response(name: str, fmt: str, headers: Sequence, rows: Sequence[Sequence]) -> HttpResponse:
    """A download named `<name>.<fmt>`: XLSX when fmt is "xlsx", CSV otherwise."""
    if fmt == "xlsx":
        response = HttpResponse(to_xlsx(name, headers, rows), content_type=XLSX_MIME)
        fmt = "xlsx"
    else:
        response = HttpResponse(to_csv(headers, rows), content_type=CSV_MIME)
        fmt = "csv"
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response

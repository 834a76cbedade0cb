"""Reading an uploaded CSV or XLSX sheet into (line number, {column: value}) rows (reports are written
by core.exports). The format is decided by content, not by the file name."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date, datetime

from django.utils.translation import gettext as _

from core.exceptions import UnsupportedMediaType, ValidationFailed
from modules.resources.filetypes import sniff

MAX_COLUMNS = 32  # more than any import needs (see _ALIASES)

_ALIASES = {
    "lesson": "lesson_id",
    "lesson_id": "lesson_id",
    "group": "group",
    "group_id": "group",
    "group_name": "group",
    "date": "date",
    "lesson_date": "date",
    "student": "student_id",
    "student_id": "student_id",
    "phone": "phone",
    "student_phone": "phone",
    "status": "status",
    "note": "note",
    "comment": "note",
}


def _column(name) -> str | None:
    key = re.sub(r"[\s\-]+", "_", str(name or "").strip().lower())
    return _ALIASES.get(key)


def _cell(value) -> str | date | None:
    """Cells as text (dates stay dates); 998901234567.0 from a spreadsheet becomes '998901234567'."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def _rows(header, body: Iterator) -> Iterator[tuple[int, dict]]:
    columns = [_column(h) for h in header]
    if "status" not in columns:
        raise ValidationFailed.field(
            "file", _("The first row must name the columns; a `status` column is required.")
        )
    for line, values in body:
        cells = {col: _cell(v) for col, v in zip(columns, values, strict=False) if col}
        if any(v is not None for v in cells.values()):
            yield line, cells


def _csv_rows(upload) -> Iterator[tuple[int, dict]]:
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed.field("file", _("A CSV file must be UTF-8 encoded.")) from exc
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, None)
    if header is None:
        raise ValidationFailed.field("file", _("The file is empty."))
    return _rows(header, ((reader.line_num, row) for row in reader))


def _xlsx_rows(upload) -> Iterator[tuple[int, dict]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(upload, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise ValidationFailed.field("file", _("The spreadsheet could not be read.")) from exc
    sheet = book.worksheets[0]
    # Only the columns a sheet can name: one cell far right (column XFD) would otherwise make every
    # row 16,384 cells wide (a row bomb from a few hundred KB).
    values = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
    header = next(values, None)
    if header is None:
        raise ValidationFailed.field("file", _("The spreadsheet is empty."))
    return _rows(header, ((i, row) for i, row in enumerate(values, start=2)))


def read_table(upload) -> Iterator[tuple[int, dict]]:
    """Rows of a CSV (UTF-8, comma, semicolon or tab separated) or XLSX file with a header row."""
    found = sniff(upload)
    if found is not None and found.extension == "xlsx":
        return _xlsx_rows(upload)
    if found is not None and found.extension == "txt":
        return _csv_rows(upload)
    raise UnsupportedMediaType(_("Upload a CSV (UTF-8) or XLSX file."))

"""Attendance import: every row is resolved and checked first, with bulk queries (lessons, groups,
students, rosters), then the valid rows are applied lesson by lesson through the same locked path as
the API, inside one transaction. Nothing is applied when a row is bad, unless `partial`."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from core.exceptions import PayloadTooLarge, ValidationFailed
from modules.accounts.models import User
from modules.attendance.import_rows import ImportRow, RowResolver
from modules.attendance.models import AttendanceChange
from modules.attendance.services import MarkEntry, mark_lessons_locked
from modules.attendance.tables import read_table
from modules.center.selectors import get_system_settings

MAX_ROWS = 20_000
# Blank lines are skipped, but reading them costs too: a sheet may not run past this line.
MAX_LINES = MAX_ROWS + 5_000
# An XLSX is a zip: a few hundred KB can inflate to gigabytes of sheet XML. The declared sizes of the
# sheets and the shared strings are checked before openpyxl reads any of it (a real 20,000-row sheet
# is well under 10 MB).
MAX_XLSX_XML_BYTES = 40 * 1024 * 1024


@dataclass
class ImportReport:
    rows: list[ImportRow]
    applied: bool = False
    partial: bool = False

    def summary(self) -> dict:
        results = [r.result for r in self.rows]
        valid = sum(r.ok for r in self.rows)
        return {
            "total": len(self.rows),
            "valid": valid,
            "invalid": len(self.rows) - valid,
            "created": results.count("created"),
            "updated": results.count("updated"),
            "unchanged": results.count("unchanged"),
        }

    def as_dict(self) -> dict:
        return {
            "applied": self.applied,
            "partial": self.partial,
            "summary": self.summary(),
            "rows": self.rows,
        }


def attendance_import(*, upload, actor: User, partial: bool = False, dry_run: bool = False) -> ImportReport:
    limit_mb = get_system_settings().max_upload_mb
    if upload.size > limit_mb * 1024 * 1024:
        raise PayloadTooLarge(_("The file is larger than {limit_mb} MB.").format(limit_mb=limit_mb))
    _check_xlsx_inflation(upload)
    rows = _read_rows(upload)
    if not rows:
        raise ValidationFailed.field("file", _("The file has no rows."))
    RowResolver(actor).resolve(rows)
    report = ImportReport(rows=rows, partial=partial)
    if dry_run:
        return report
    if any(not r.ok for r in rows) and not partial:
        raise ValidationFailed(
            [
                {"loc": ["file", "row", r.row], "msg": "; ".join(r.errors), "type": "invalid_row"}
                for r in rows
                if not r.ok
            ],
            code="import_rows_invalid",
            extra={"applied": False, "summary": report.summary(), "rows": [_row_dict(r) for r in rows]},
        )
    _apply(report, actor=actor)
    return report


def _too_many_rows() -> ValidationFailed:
    return ValidationFailed.field(
        "file", _("At most {max_rows} rows per import; split the file.").format(max_rows=MAX_ROWS)
    )


def _read_rows(upload) -> list[ImportRow]:
    """The rows, read as a stream and abandoned the moment a cap is passed."""
    rows: list[ImportRow] = []
    for line, cells in read_table(upload):
        if len(rows) >= MAX_ROWS or line > MAX_LINES:
            raise _too_many_rows()
        rows.append(ImportRow(line, cells))
    return rows


def _check_xlsx_inflation(upload) -> None:
    import zipfile

    upload.seek(0)
    try:
        if not zipfile.is_zipfile(upload):
            return
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            inflated = sum(
                info.file_size
                for info in archive.infolist()
                if info.filename.startswith("xl/worksheets/") or info.filename == "xl/sharedStrings.xml"
            )
    except zipfile.BadZipFile:
        return  # not ours to judge: read_table refuses what it cannot read
    finally:
        upload.seek(0)
    if inflated > MAX_XLSX_XML_BYTES:
        raise PayloadTooLarge(
            _("The spreadsheet unpacks to {size_mb} MB; at most {limit_mb} MB are read.").format(
                size_mb=inflated // (1024 * 1024), limit_mb=MAX_XLSX_XML_BYTES // (1024 * 1024)
            ),
            code="spreadsheet_too_large",
        )


def _row_dict(r: ImportRow) -> dict:
    return {
        "row": r.row,
        "ok": r.ok,
        "errors": r.errors,
        "lesson_id": r.lesson_id,
        "student_id": r.student_id,
        "status": r.status,
        "result": r.result,
    }


def _apply(report: ImportReport, *, actor: User) -> None:
    by_lesson: dict[int, list[ImportRow]] = defaultdict(list)
    for r in report.rows:
        if r.ok:
            by_lesson[r.lesson_id].append(r)
    entries = {
        lesson_id: [
            MarkEntry(r.student_id, r.status, r.cells.get("note"), ("file", "row", r.row)) for r in rows
        ]
        for lesson_id, rows in by_lesson.items()
    }
    if entries:
        with transaction.atomic():
            outcomes = mark_lessons_locked(
                lesson_entries=entries, actor=actor, source=AttendanceChange.Source.IMPORT
            )
        for lesson_id, rows in by_lesson.items():
            for r in rows:
                r.result = outcomes[lesson_id].result_of(r.student_id)
    for r in report.rows:
        r.result = r.result or "skipped"
    report.applied = True

"""The rows of the attendance reports' CSV/XLSX downloads, written by core.exports (the JSON form
is the report dict itself)."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone

from core.exports import XLSX_MIME, table_response
from modules.attendance.selectors import STATUSES

SUMMARY_COLUMNS = [*STATUSES, "unmarked", "rate"]
OPENAPI_DOWNLOADS = {
    "responses": {
        200: {
            "description": "JSON by default; `?format=csv` or `?format=xlsx` downloads the same report as a file",
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                XLSX_MIME: {"schema": {"type": "string", "format": "binary"}},
            },
        }
    }
}


def _local(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M")


def _name(user) -> str:
    return f"{user.first_name} {user.last_name}".strip()


def _summary_cells(summary: dict) -> list:
    return [summary[c] if summary[c] is not None else "" for c in SUMMARY_COLUMNS]


def download(fmt: str, filename: str, header: list[str], rows: list[list]) -> HttpResponse:
    return table_response(filename, fmt, header, rows)


def student_table(report: dict) -> tuple[list[str], list[list]]:
    header = ["date", "group", "lesson_id", "status", "note"]
    return header, [
        [_local(r["starts_at"]), r["group_name"], r["lesson_id"], r["status"], r["note"]]
        for r in report["records"]
    ]


def lesson_table(sheet: dict) -> tuple[list[str], list[list]]:
    header = ["student_id", "student", "phone", "status", "note", "marked_at"]
    return header, [
        [
            r.student.pk,
            _name(r.student),
            r.student.phone,
            r.status or "unmarked",
            r.note,
            _local(r.marked_at) if r.marked_at else "",
        ]
        for r in sheet["records"]
    ]


def group_table(report: dict) -> tuple[list[str], list[list]]:
    header = ["student_id", "student", "phone"] + [
        _local(lesson["starts_at"]) for lesson in report["lessons"]
    ]
    header += SUMMARY_COLUMNS
    rows = [
        [row["student"].pk, _name(row["student"]), row["student"].phone]
        + [cell or "" for cell in row["cells"]]
        + _summary_cells(row["summary"])
        for row in report["students"]
    ]
    rates = [lesson["summary"]["rate"] for lesson in report["lessons"]]
    rows.append(
        ["", "rate", ""] + ["" if r is None else r for r in rates] + _summary_cells(report["summary"])
    )
    return header, rows

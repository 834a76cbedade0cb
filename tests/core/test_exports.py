"""One exports writer (core.exports) for every CSV/XLSX download: text a spreadsheet would evaluate
arrives as text, in the attendance reports as in the payment reports."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import openpyxl
import pytest

from core.exports import cell, defuse, table_response
from modules.attendance import services
from tests.conftest import ApiClient
from tests.factories.accounts import StudentFactory
from tests.factories.courses import local_today, make_group_with_students

FORMULA = '=HYPERLINK("http://x","y")'
DEFUSED = "'" + FORMULA


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (FORMULA, DEFUSED),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("+1+2", "'+1+2"),
        ("-1+2", "'-1+2"),
        ("\tcmd", "'\tcmd"),
        ("|calc", "'|calc"),
        ("+998901234567", "+998901234567"),
        ("-5", "-5"),
        ("Dilnoza", "Dilnoza"),
        ("", ""),
    ],
)
def test_defuse(text, expected):
    assert defuse(text) == expected


def test_cells_keep_numbers_and_write_empty_for_none():
    assert [cell(None), cell(3), cell(0.5), cell(FORMULA)] == ["", 3, 0.5, DEFUSED]


def test_headers_are_defused_too():
    response = table_response("t", "csv", [FORMULA], [[1]])
    assert next(csv.reader(io.StringIO(response.content.decode("utf-8-sig")))) == [DEFUSED]


@pytest.fixture
def formula_sheet(db, admin):
    """A group whose student registered as a formula; one marked lesson with a formula as the note."""
    student = StudentFactory(first_name=FORMULA, last_name="")
    group = make_group_with_students(None, [student], lessons=1, first_day=local_today() - timedelta(days=1))
    lesson = group.lessons.get()
    services.attendance_mark_bulk(
        lesson=lesson, actor=admin, records=[{"student_id": student.pk, "status": "absent", "note": "@cmd"}]
    )
    return group, lesson, student


def _csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _xlsx_cells(response):
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [c for row in sheet.iter_rows() for c in row]


REPORTS = [
    ("groups", lambda group, lesson, student: group.pk),
    ("lessons", lambda group, lesson, student: lesson.pk),
    ("students", lambda group, lesson, student: student.pk),
]


@pytest.mark.parametrize(("kind", "pk_of"), REPORTS, ids=[r[0] for r in REPORTS])
def test_attendance_csv_defuses_a_formula_name(admin, formula_sheet, kind, pk_of):
    response = ApiClient(admin).get(f"/attendance/reports/{kind}/{pk_of(*formula_sheet)}", {"format": "csv"})
    assert response.status_code == 200
    values = [value for row in _csv_rows(response) for value in row]
    assert not any(value.startswith(("=", "@")) for value in values), values
    if kind != "students":  # the student's own report lists groups, not names
        assert DEFUSED in values
    if kind != "groups":  # the matrix has no notes
        assert "'@cmd" in values


@pytest.mark.parametrize(("kind", "pk_of"), REPORTS, ids=[r[0] for r in REPORTS])
def test_attendance_xlsx_defuses_a_formula_name(admin, formula_sheet, kind, pk_of):
    response = ApiClient(admin).get(f"/attendance/reports/{kind}/{pk_of(*formula_sheet)}", {"format": "xlsx"})
    assert response.status_code == 200
    cells = _xlsx_cells(response)
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    values = [c.value for c in cells]
    if kind != "students":
        assert DEFUSED in values
    if kind != "groups":
        assert "'@cmd" in values


def test_payment_debtors_xlsx_defuses_a_formula_name(admin):
    from tests.factories.payments import PaymentFactory

    payment = PaymentFactory(
        student=StudentFactory(first_name=FORMULA), due_date=date(2026, 1, 5), status="overdue"
    )
    response = ApiClient(admin).get("/payments/reports/debtors", {"format": "xlsx"})
    assert response.status_code == 200, response.content
    cells = _xlsx_cells(response)
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert DEFUSED in [c.value for c in cells], payment

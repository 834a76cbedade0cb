"""Row 8: an XLSX row bomb: a 300 KB attendance import cost 223 s and +630 MB before the
20,000-row limit was checked. Caps now hold while reading: declared sheet sizes before openpyxl
opens anything, the row count as rows stream in, and the width of each row."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from modules.attendance import importer, tables

pytestmark = pytest.mark.django_db
URL = "/attendance/import"


def workbook_bytes(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_sheet_xml(xlsx: bytes, sheet_xml: bytes) -> bytes:
    """The same workbook with its first sheet's XML replaced."""
    source, out = zipfile.ZipFile(io.BytesIO(xlsx)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = sheet_xml if info.filename == "xl/worksheets/sheet1.xml" else source.read(info)
            target.writestr(info.filename, data)
    return out.getvalue()


def sheet(rows_xml: str) -> bytes:
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    return f'<worksheet xmlns="{ns}"><sheetData>{rows_xml}</sheetData></worksheet>'.encode()


def upload(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("attendance.xlsx", data, "application/octet-stream")


def test_row08_xlsx_row_bomb_is_refused_while_streaming(api, admin, monkeypatch):
    pulled = 0
    real = importer.read_table

    def counting(file):
        nonlocal pulled
        for item in real(file):
            pulled += 1
            yield item

    monkeypatch.setattr(importer, "read_table", counting)
    monkeypatch.setattr(importer, "MAX_ROWS", 50)
    rows = "".join(
        f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>present</t></is></c></row>' for i in range(2, 5002)
    )
    header = '<row r="1"><c r="A1" t="inlineStr"><is><t>status</t></is></c></row>'
    bomb = with_sheet_xml(workbook_bytes([["status"]]), sheet(header + rows))
    response = api(admin).upload(URL, {"file": upload(bomb)})
    assert response.status_code == 422 and "At most 50 rows" in response.content.decode()
    assert pulled == 51  # stopped at the first row past the cap, not after reading 5,000


def test_row08_a_far_right_cell_does_not_widen_every_row(monkeypatch):
    widths: list[int] = []
    real_rows = tables._rows

    def spy(header, body):
        def watched():
            for line, values in body:
                widths.append(len(values))
                yield line, values

        return real_rows(header, watched())

    monkeypatch.setattr(tables, "_rows", spy)
    rows = "".join(
        f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>present</t></is></c><c r="XFD{i}"><v>1</v></c></row>'
        for i in range(2, 202)
    )
    header = '<row r="1"><c r="A1" t="inlineStr"><is><t>status</t></is></c></row>'
    bomb = with_sheet_xml(workbook_bytes([["status"]]), sheet(header + rows))
    assert len(list(tables.read_table(upload(bomb)))) == 200
    assert max(widths) <= tables.MAX_COLUMNS  # was 16,384 cells a row


def test_row08_an_inflating_sheet_is_refused_before_it_is_parsed(api, admin, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("openpyxl must not open it")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    padding = " " * (importer.MAX_XLSX_XML_BYTES + 1)  # deflates to a few dozen KB
    bomb = with_sheet_xml(workbook_bytes([["status"]]), sheet(padding))
    assert len(bomb) < 200_000
    response = api(admin).upload(URL, {"file": upload(bomb)})
    assert response.status_code == 413 and response.json()["code"] == "spreadsheet_too_large"

from __future__ import annotations

import io
import struct
import wave
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories.courses import make_group_with_students


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def group(db, teacher, student):
    return make_group_with_students(teacher, [student], lessons=2)


@pytest.fixture
def lesson(group):
    return group.lessons.order_by("starts_at").first()


@pytest.fixture
def other_group(db):
    return make_group_with_students(None, [], lessons=1)


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0\0\0\0"))
        + chunk(b"IEND", b"")
    )


def wav_bytes(seconds: float = 2.0, rate: int = 8000) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\0\0" * int(seconds * rate))
    return out.getvalue()


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def ooxml_bytes(kind: str = "docx", main_type: str | None = None) -> bytes:
    folder, default_type = {
        "docx": ("word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
        "pptx": ("ppt", "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"),
    }[kind]
    main = {"docx": "document.xml", "pptx": "presentation.xml"}[kind]
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Override PartName="/{folder}/{main}" ContentType="{main_type or default_type}"/></Types>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", content_types)
        z.writestr(f"{folder}/{main}", "<xml/>")
    return out.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type)

from __future__ import annotations

import io

import openpyxl
import pytest

from core.exceptions import UnsupportedMediaType
from modules.resources.filetypes import (
    AUDIO_EXTENSIONS,
    audio_duration,
    claimed_extension,
    require_type,
    sniff,
)
from tests.resources.conftest import ooxml_bytes, pdf_bytes, png_bytes, upload, wav_bytes

HEADERS = {
    "jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\0" * 64,
    "mp4": b"\0\0\0\x18ftypisom\0\0\x02\0isomiso2" + b"\0" * 64,
    "m4a": b"\0\0\0\x18ftypM4A \0\0\x02\0M4A isom" + b"\0" * 64,
    "ogg": b"OggS\0\x02" + b"\0" * 22 + b"\x01\x1eOpusHead" + b"\0" * 60,
    "webm": bytes.fromhex("1a45dfa39f4286810142f7810142f2810442f381084282847765626d4287810442858102")
    + b"\0" * 64,
    "mp3": b"ID3\x04\0\0\0\0\0\0" + b"\0" * 64,
}


def xlsx_bytes() -> bytes:
    out = io.BytesIO()
    openpyxl.Workbook().save(out)
    return out.getvalue()


SNIFFED = [
    (png_bytes(), "png", "image"),
    (pdf_bytes(), "pdf", "document"),
    (wav_bytes(), "wav", "audio"),
    ("Salom, dunyo! Привет ўзбек".encode(), "txt", "document"),
    (ooxml_bytes("docx"), "docx", "document"),
    (ooxml_bytes("pptx"), "pptx", "document"),
    (xlsx_bytes(), "xlsx", "document"),
    *[
        (data, ext, "video" if ext == "mp4" else ("image" if ext == "jpg" else "audio"))
        for ext, data in HEADERS.items()
    ],
]


# Ids from the expected type, not the bytes: zip-based documents embed the time they were built, and
# pytest-xdist needs every worker to collect the same test ids.
@pytest.mark.parametrize(("data", "extension", "kind"), SNIFFED, ids=[f"{e}-{k}" for _, e, k in SNIFFED])
def test_sniff_by_content(data, extension, kind):
    f = io.BytesIO(data)
    found = sniff(f)
    assert (found.extension, found.kind) == (extension, kind)
    assert f.tell() == 0  # left ready to be stored


@pytest.mark.parametrize(
    "data",
    [
        b"text with a \x00 NUL byte",
        b"\xff\xfe not utf-8 \xc3",
        b"",
        b"MZ\x90\x00" + b"\0" * 60,  # a Windows executable
        b"GIF89a" + b"\0" * 60,  # an image type we do not accept
    ],
)
def test_sniff_refuses(data):
    assert sniff(io.BytesIO(data)) is None


def test_zip_is_office_only_with_matching_content_types():
    import zipfile

    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w") as z:
        z.writestr("word/document.xml", "<xml/>")  # a folder alone is not enough
    assert sniff(plain) is None
    macro = ooxml_bytes("docx", main_type="application/vnd.ms-word.document.macroEnabled.main+xml")
    assert sniff(io.BytesIO(macro)) is None


def test_pdf_name_with_png_content_is_refused():
    with pytest.raises(UnsupportedMediaType) as exc:
        require_type(upload("report.pdf", png_bytes()))
    assert exc.value.code == "file_type_mismatch"
    assert require_type(upload("blob", png_bytes())).extension == "png"  # no claim: content decides
    assert require_type(upload("photo.JPEG", HEADERS["jpg"])).extension == "jpg"
    assert require_type(upload("voice.m4a", HEADERS["mp4"])).extension == "mp4"


def test_require_type_limits_to_the_allowed_set():
    with pytest.raises(UnsupportedMediaType):
        require_type(upload("a.pdf", pdf_bytes()), AUDIO_EXTENSIONS)
    assert claimed_extension("x.tar.gz") is None


def test_audio_duration():
    f = io.BytesIO(wav_bytes(seconds=3.5))
    assert audio_duration(f, sniff(f)) == pytest.approx(3.5, abs=0.01)
    assert audio_duration(io.BytesIO(png_bytes())) is None

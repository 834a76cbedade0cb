"""Upload validation of recordings: format by content, size, duration."""

from __future__ import annotations

import io
import struct

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.exceptions import PayloadTooLarge, UnsupportedMediaType, ValidationFailed
from modules.center.selectors import get_system_settings
from modules.homework.audio import MAX_AUDIO_BYTES, validate_audio, webm_duration
from modules.homework.models import Submission
from tests.factories.homework import wav_bytes, wav_upload


def _size(n: int) -> bytes:
    return bytes([0x80 | n]) if n < 127 else struct.pack(">H", 0x4000 | n)


def el(eid: bytes, payload: bytes, unknown: bool = False) -> bytes:
    return eid + (b"\x01\xff\xff\xff\xff\xff\xff\xff" if unknown else _size(len(payload))) + payload


def webm(duration_ms: float | None, clusters: list[tuple[int, list[int]]]) -> bytes:
    """A minimal MediaRecorder-like WebM: unknown-size Segment and Clusters, optional Duration."""
    header = el(b"\x1a\x45\xdf\xa3", el(b"\x42\x82", b"webm") + el(b"\x42\x87", b"\x04"))
    info = el(b"\x2a\xd7\xb1", struct.pack(">I", 1_000_000))
    if duration_ms is not None:
        info += el(b"\x44\x89", struct.pack(">d", duration_ms))
    body = el(b"\x15\x49\xa9\x66", info)
    for timecode, blocks in clusters:
        content = el(b"\xe7", struct.pack(">H", timecode))
        for rel in blocks:
            content += el(b"\xa3", b"\x81" + struct.pack(">h", rel) + b"\x80" + b"\x00" * 20)
        body += el(b"\x1f\x43\xb6\x75", content, unknown=True)
    return header + el(b"\x18\x53\x80\x67", body, unknown=True)


def test_webm_duration_from_the_last_block_when_none_is_declared():
    assert webm_duration(io.BytesIO(webm(None, [(0, [0, 20]), (2000, [0, 500])]))) == pytest.approx(2.5)


def test_webm_duration_declared_in_info_wins():
    assert webm_duration(io.BytesIO(webm(3500.0, [(0, [0])]))) == pytest.approx(3.5)


def test_webm_upload_is_accepted_with_its_duration():
    info = validate_audio(
        SimpleUploadedFile("rec.webm", webm(None, [(0, [0]), (1500, [0])])), max_seconds=600
    )
    assert (info.extension, info.seconds, info.content_type) == ("webm", 1.5, "audio/webm")


def test_wav_and_a_nameless_blob_are_accepted():
    assert validate_audio(wav_upload(2.0), max_seconds=600).seconds == pytest.approx(2.0)
    blob = SimpleUploadedFile("blob", wav_bytes(1.0))
    assert validate_audio(blob, max_seconds=600).extension == "wav"


@pytest.mark.parametrize(
    ("name", "content", "error", "code"),
    [
        ("answer.mp3", wav_bytes(1.0), UnsupportedMediaType, "audio_mislabelled"),
        ("answer.wav", b"this is not audio at all" * 10, UnsupportedMediaType, "unsupported_audio"),
        ("answer.txt", wav_bytes(1.0), UnsupportedMediaType, "unsupported_audio"),
        ("answer.wav", b"RIFF\x24\x00\x00\x00WAVEjunkjunkjunk", ValidationFailed, "validation_error"),
        ("answer.webm", webm(None, []), ValidationFailed, "validation_error"),
    ],
)
def test_bad_audio_is_refused(name, content, error, code):
    with pytest.raises(error) as caught:
        validate_audio(SimpleUploadedFile(name, content), max_seconds=600)
    assert caught.value.code == code


def test_too_long_is_422():
    with pytest.raises(ValidationFailed) as caught:
        validate_audio(wav_upload(3.0), max_seconds=2)
    assert caught.value.detail[0]["type"] == "audio_too_long"


def test_api_refuses_too_large_413(api, student, audio_homework):
    big = SimpleUploadedFile("answer.wav", wav_bytes(0.1) + b"\x00" * MAX_AUDIO_BYTES)
    with pytest.raises(PayloadTooLarge):
        validate_audio(big, max_seconds=600)
    response = api(student).upload(f"/homework/{audio_homework.pk}/submissions", {"audio": big})
    assert response.status_code == 413 and response.json()["code"] == "audio_too_large"
    assert not Submission.objects.exists()


def test_api_duration_cap_comes_from_system_settings(api, student, audio_homework):
    settings_row = get_system_settings()
    settings_row.audio_max_seconds = 2
    settings_row.save()
    response = api(student).upload(f"/homework/{audio_homework.pk}/submissions", {"audio": wav_upload(3.0)})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "audio"]


def test_api_mislabelled_is_415(api, student, audio_homework):
    response = api(student).upload(
        f"/homework/{audio_homework.pk}/submissions", {"audio": wav_upload(name="answer.ogg")}
    )
    assert response.status_code == 415 and response.json()["code"] == "audio_mislabelled"

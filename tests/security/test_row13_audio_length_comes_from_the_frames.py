"""Row 13: the audio length limit was bypassed: the WebM's declared duration was trusted (5 s
declared, 3 h accepted). The length is now the longest of what the container declares, what its
frames' timestamps say, and what FFmpeg actually decodes."""

from __future__ import annotations

import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.exceptions import ValidationFailed
from modules.homework.audio import decoded_duration, validate_audio
from tests.factories.homework import wav_bytes
from tests.homework.test_audio import webm


def test_row13_audio_length_comes_from_the_frames():
    lying = webm(5000.0, [(0, [0]), (60_000, [0])])  # "5 s", with a frame at 60 s
    with pytest.raises(ValidationFailed) as refused:
        validate_audio(SimpleUploadedFile("rec.webm", lying), max_seconds=30)
    assert refused.value.detail[0]["type"] == "audio_too_long"


def test_row13_decoding_counts_the_real_samples():
    assert decoded_duration(io.BytesIO(wav_bytes(2.0)), stop_after=600) == pytest.approx(2.0, abs=0.05)


def test_row13_decoding_stops_once_past_the_limit():
    long_wav = wav_bytes(600.0)  # 10 minutes (9.6 MB at 8 kHz)
    started = time.perf_counter()
    seconds = decoded_duration(io.BytesIO(long_wav), stop_after=31)
    assert 31 < seconds < 40
    assert time.perf_counter() - started < 5  # a limit's worth of decoding, not the whole file

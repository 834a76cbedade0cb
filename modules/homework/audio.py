"""Validating an uploaded recording before anything is stored: the format OpenAI's transcription
endpoint accepts (decided by the bytes, not the name), at most 25 MB, and a readable duration within
the center's limit (SystemSettings.audio_max_seconds), measured by decoding the frames, not taken
from the container's claim."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO

import filetype
import mutagen
from django.utils.translation import gettext as _
from mutagen.flac import FLAC
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4
from mutagen.oggflac import OggFLAC
from mutagen.oggopus import OggOpus
from mutagen.oggspeex import OggSpeex
from mutagen.oggvorbis import OggVorbis
from mutagen.wave import WAVE

from core.exceptions import PayloadTooLarge, UnsupportedMediaType, ValidationFailed

MAX_AUDIO_BYTES = 25 * 1024 * 1024  # the transcription API's own limit
SUPPORTED_EXTENSIONS = ("flac", "mp3", "mp4", "mpeg", "mpga", "m4a", "ogg", "wav", "webm")

# What filetype calls a container -> our family. ISO-BMFF files (mp4/m4a) come with many brands.
_FAMILY_OF_GUESS = {
    "wav": "wav", "flac": "flac", "ogg": "ogg", "mp3": "mp3",
    "m4a": "mp4", "mp4": "mp4", "m4v": "mp4", "mov": "mp4", "3gp": "mp4",
    "webm": "webm", "mkv": "webm",
}  # fmt: skip
_FAMILY_OF_EXTENSION = {
    "flac": "flac", "mp3": "mp3", "mpeg": "mp3", "mpga": "mp3", "mp4": "mp4", "m4a": "mp4",
    "ogg": "ogg", "wav": "wav", "webm": "webm",
}  # fmt: skip
_DEFAULT_EXTENSION = {"wav": "wav", "flac": "flac", "ogg": "ogg", "mp3": "mp3", "mp4": "m4a", "webm": "webm"}
CONTENT_TYPES = {
    "flac": "audio/flac", "mp3": "audio/mpeg", "mpeg": "audio/mpeg", "mpga": "audio/mpeg",
    "mp4": "audio/mp4", "m4a": "audio/mp4", "ogg": "audio/ogg", "wav": "audio/wav", "webm": "audio/webm",
}  # fmt: skip
_MUTAGEN = {
    "wav": [WAVE],
    "flac": [FLAC],
    "mp3": [MP3],
    "mp4": [MP4],
    "ogg": [OggOpus, OggVorbis, OggFLAC, OggSpeex],
}


@dataclass(frozen=True)
class AudioInfo:
    extension: str  # the name we store and send it under (one of SUPPORTED_EXTENSIONS)
    seconds: float
    content_type: str


def _extension(name: str | None) -> str:
    return PurePosixPath(name or "").suffix.lower().lstrip(".")


def _family(upload: IO[bytes]) -> str | None:
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    guess = filetype.guess(head) if head else None
    return _FAMILY_OF_GUESS.get(guess.extension) if guess else None


def _declared_duration(upload: IO[bytes], family: str) -> float | None:
    """What the container says (mutagen's header reading; for WebM the frames' own timestamps)."""
    upload.seek(0)
    try:
        if family == "webm":
            return webm_duration(upload)
        parsed = mutagen.File(upload, options=_MUTAGEN[family])
        length = getattr(getattr(parsed, "info", None), "length", None)
        return float(length) if length else None
    except Exception:  # mutagen and struct raise many error types on damaged files
        return None
    finally:
        upload.seek(0)


def decoded_duration(upload: IO[bytes], *, stop_after: float) -> float | None:
    """Seconds of sound actually in the file: its audio frames decoded (FFmpeg, through PyAV) and
    their samples counted, stopping once `stop_after` is passed so a 3-hour file costs no more than
    a limit's worth of decoding. None when nothing decodes."""
    import av

    upload.seek(0)
    total = 0.0
    try:
        with av.open(upload, mode="r") as container:
            stream = next((s for s in container.streams if s.type == "audio"), None)
            if stream is None:
                return None
            for frame in container.decode(stream):
                if frame.sample_rate:
                    total += frame.samples / frame.sample_rate
                if total > stop_after:
                    break
    except Exception:  # FFmpeg's errors on damaged data: what decoded before the damage counts
        pass
    finally:
        upload.seek(0)
    return total or None


def _duration(upload: IO[bytes], family: str, max_seconds: int) -> float | None:
    """The longest of what the container declares and what decodes: a header that understates the
    length (WebM's Duration, an MP3's Xing frame count) can no longer let a long recording in."""
    readings = [_declared_duration(upload, family), decoded_duration(upload, stop_after=max_seconds + 1)]
    known = [r for r in readings if r]
    return max(known) if known else None


def validate_audio(upload, *, max_seconds: int) -> AudioInfo:
    """Raises 413 (too large), 415 (not a supported audio format, or named as another one) or 422
    (unreadable, empty or too long). Leaves the file at position 0."""
    supported = ", ".join(SUPPORTED_EXTENSIONS)
    if upload.size > MAX_AUDIO_BYTES:
        raise PayloadTooLarge(
            _("Audio files may be at most {limit_mb} MB.").format(limit_mb=MAX_AUDIO_BYTES // (1024 * 1024)),
            code="audio_too_large",
        )
    family = _family(upload)
    if family is None:
        raise UnsupportedMediaType(
            _("This is not a supported audio file ({supported}).").format(supported=supported),
            code="unsupported_audio",
        )
    named = _extension(upload.name)
    if named in _FAMILY_OF_EXTENSION and _FAMILY_OF_EXTENSION[named] != family:
        raise UnsupportedMediaType(
            _("The file is named .{named} but contains {family} audio.").format(named=named, family=family),
            code="audio_mislabelled",
        )
    if named and named not in _FAMILY_OF_EXTENSION and named != "blob":
        raise UnsupportedMediaType(
            _("Audio must be one of: {supported}.").format(supported=supported), code="unsupported_audio"
        )
    extension = named if named in _FAMILY_OF_EXTENSION else _DEFAULT_EXTENSION[family]
    seconds = _duration(upload, family, max_seconds)
    if not seconds or seconds <= 0:
        raise ValidationFailed.field(
            "audio", _("The recording cannot be read or is empty."), type="audio_unreadable"
        )
    if seconds > max_seconds:
        raise ValidationFailed.field(
            "audio",
            _("The recording is {seconds:.0f} s long; at most {max_seconds} s are allowed.").format(
                seconds=seconds, max_seconds=max_seconds
            ),
            type="audio_too_long",
        )
    return AudioInfo(extension=extension, seconds=round(seconds, 3), content_type=CONTENT_TYPES[extension])


# --- WebM (Matroska) ---------------------------------------------------------------------------------
# mutagen has no Matroska reader, and browsers' MediaRecorder writes WebM whose Segment and Clusters
# have "unknown" sizes and often no Duration. So the file is walked element by element with master
# elements entered inline: the longer of Info's Duration and the last block's timestamp is used.

_SEGMENT, _INFO, _CLUSTER, _BLOCK_GROUP = 0x18538067, 0x1549A966, 0x1F43B675, 0xA0
_TIMECODE_SCALE, _DURATION, _CLUSTER_TIMECODE = 0x2AD7B1, 0x4489, 0xE7
_SIMPLE_BLOCK, _BLOCK = 0xA3, 0xA1
_MASTERS = {_SEGMENT, _INFO, _CLUSTER, _BLOCK_GROUP}


def _vint(stream: IO[bytes], *, keep_marker: bool) -> tuple[int, int, bool] | None:
    """(value, length, all-ones) of an EBML variable-size integer, or None at end of file."""
    first = stream.read(1)
    if not first:
        return None
    b0 = first[0]
    length = next((i + 1 for i in range(8) if b0 & (0x80 >> i)), 0)
    if length == 0:
        raise ValueError("invalid EBML length")
    rest = stream.read(length - 1)
    if len(rest) != length - 1:
        return None
    value = b0 if keep_marker else b0 & (0xFF >> length)
    for byte in rest:
        value = (value << 8) | byte
    unknown = not keep_marker and value == (1 << (7 * length)) - 1
    return value, length, unknown


def webm_duration(stream: IO[bytes]) -> float | None:
    scale, declared, cluster_tc, last_tc = 1_000_000, None, 0, None
    if stream.read(4) != b"\x1a\x45\xdf\xa3":
        return None
    stream.seek(0)
    while True:
        element = _vint(stream, keep_marker=True)
        size = _vint(stream, keep_marker=False) if element else None
        if element is None or size is None:
            break
        eid, (length, _skipped, unknown) = element[0], size
        if eid in _MASTERS:
            continue  # step inside: children follow immediately
        if unknown:
            break
        if eid in (_TIMECODE_SCALE, _CLUSTER_TIMECODE):
            value = int.from_bytes(stream.read(length), "big")
            scale, cluster_tc = (value, cluster_tc) if eid == _TIMECODE_SCALE else (scale, value)
        elif eid == _DURATION and length in (4, 8):
            declared = struct.unpack(">f" if length == 4 else ">d", stream.read(length))[0]
        elif eid in (_SIMPLE_BLOCK, _BLOCK):
            start = stream.tell()
            track = _vint(stream, keep_marker=False)
            relative = struct.unpack(">h", stream.read(2))[0] if track else 0
            last_tc = max(last_tc or 0, cluster_tc + relative)
            stream.seek(start + length)
        else:
            stream.seek(length, 1)
    # The longer of the declared Duration and the last frame's timestamp: a Duration of 5 s in front
    # of 3 hours of frames must not pass.
    ticks = max(declared or 0, last_tc or 0)
    return ticks * scale / 1e9 if ticks else None

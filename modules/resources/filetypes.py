"""What a file really is, decided by its bytes, never by its name or the client's Content-Type.

    detected = sniff(upload)              # DetectedType or None (not a type we recognise)
    detected = require_type(upload, AUDIO_EXTENSIONS)   # raises UnsupportedMediaType (415), also
                                                        # when the name claims another type
    seconds = audio_duration(upload, detected)          # float or None (mutagen)

Binary formats come from their magic numbers (`filetype`). Office files are zip archives, so a zip is
only a docx/pptx/xlsx when its [Content_Types].xml declares the matching main part and that part's
folder exists. Plain text is accepted when the whole file is valid UTF-8 without NUL bytes.

Every function leaves the file positioned at 0, so callers can store it afterwards.
"""

from __future__ import annotations

import codecs
import zipfile
from dataclasses import dataclass
from typing import IO

import filetype
from django.utils.translation import gettext as _

from core.exceptions import UnsupportedMediaType

DOCUMENT_EXTENSIONS = frozenset({"docx", "pdf", "pptx", "xlsx", "txt"})
AUDIO_EXTENSIONS = frozenset({"mp3", "m4a", "ogg", "wav", "webm"})
VIDEO_EXTENSIONS = frozenset({"mp4"})
IMAGE_EXTENSIONS = frozenset({"png", "jpg"})
RESOURCE_EXTENSIONS = DOCUMENT_EXTENSIONS | AUDIO_EXTENSIONS | VIDEO_EXTENSIONS | IMAGE_EXTENSIONS

KIND_DOCUMENT, KIND_AUDIO, KIND_VIDEO, KIND_IMAGE = "document", "audio", "video", "image"

MIME_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "txt": "text/plain; charset=utf-8",
    "mp3": "audio/mpeg",
    "m4a": "audio/mp4",
    "ogg": "audio/ogg",
    "wav": "audio/wav",
    # Browsers' MediaRecorder produces audio-only WebM; it is filed as audio.
    "webm": "audio/webm",
    "mp4": "video/mp4",
    "png": "image/png",
    "jpg": "image/jpeg",
}

# The main part each OOXML format declares in [Content_Types].xml, and the folder that holds it.
# Macro-enabled variants (docm, pptm, xlsm) declare other types and are therefore refused.
_OOXML = (
    ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml", "word/"),
    ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml", "ppt/"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", "xl/"),
)
_CONTENT_TYPES_MAX = 1024 * 1024  # a real [Content_Types].xml is a few KB; larger smells of a zip bomb
_HEAD = 8192
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class DetectedType:
    kind: str  # document | audio | video | image
    mime: str
    extension: str


def _kind_of(extension: str) -> str:
    if extension in AUDIO_EXTENSIONS:
        return KIND_AUDIO
    if extension in VIDEO_EXTENSIONS:
        return KIND_VIDEO
    if extension in IMAGE_EXTENSIONS:
        return KIND_IMAGE
    return KIND_DOCUMENT


def detected(extension: str) -> DetectedType:
    return DetectedType(kind=_kind_of(extension), mime=MIME_TYPES[extension], extension=extension)


def _rewind(fileobj: IO[bytes]) -> None:
    fileobj.seek(0)


def _ooxml_extension(fileobj: IO[bytes]) -> str | None:
    try:
        with zipfile.ZipFile(fileobj) as archive:
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > _CONTENT_TYPES_MAX:
                return None
            content_types = archive.read(info).decode("utf-8", errors="replace")
            names = archive.namelist()
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError):
        return None
    for extension, main_type, folder in _OOXML:
        if f'"{main_type}"' in content_types and any(n.startswith(folder) for n in names):
            return extension
    return None


def _is_utf8_text(fileobj: IO[bytes]) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    seen_any = False
    while chunk := fileobj.read(_CHUNK):
        seen_any = True
        if b"\x00" in chunk:
            return False
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError:
            return False
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return seen_any


def sniff(upload: IO[bytes]) -> DetectedType | None:
    """The allowed type `upload` really is, or None. Works on any seekable binary file object."""
    _rewind(upload)
    try:
        head = upload.read(_HEAD)
        _rewind(upload)
        guess = filetype.guess(head) if head else None
        if guess is not None and guess.extension in ("zip", "docx", "pptx", "xlsx"):
            extension = _ooxml_extension(upload)
            return detected(extension) if extension else None
        if guess is not None:
            return detected(guess.extension) if guess.extension in RESOURCE_EXTENSIONS else None
        return detected("txt") if _is_utf8_text(upload) else None
    finally:
        _rewind(upload)


def describe(extensions) -> str:
    return ", ".join(sorted(extensions))


# Extensions people give a file, by the type they claim: a name that claims one allowed type while the
# content is another (report.pdf holding a PNG) is a disguised file and refused. Names that claim
# nothing we know ("blob", "answer.bin") leave the decision to the content.
_CLAIMS = {
    **{ext: ext for ext in RESOURCE_EXTENSIONS},
    "jpeg": "jpg",
    "jpe": "jpg",
    "m4a": "mp4",  # both are MP4 containers; an audio-only .mp4 and an .m4a are the same bytes
    "mp4": "mp4",
    "oga": "ogg",
    "opus": "ogg",
    "weba": "webm",
    "wave": "wav",
    "text": "txt",
}


def _family(extension: str) -> str:
    return _CLAIMS.get(extension, extension)


def claimed_extension(filename: str | None) -> str | None:
    """The allowed type a file name claims (by its extension), or None when it claims none we know."""
    if not filename or "." not in filename:
        return None
    return _CLAIMS.get(filename.rsplit(".", 1)[1].strip().lower())


def require_type(upload: IO[bytes], allowed=RESOURCE_EXTENSIONS, *, check_name: bool = True) -> DetectedType:
    """sniff(), raising 415 (code unsupported_media_type) unless the file is one of `allowed` and its
    name (when `check_name` and the name claims a known type) agrees with its content."""
    found = sniff(upload)
    if found is None or found.extension not in allowed:
        what = (
            _("a {extension} file").format(extension=found.extension)
            if found
            else _("not a recognised file type")
        )
        raise UnsupportedMediaType(
            _("The file is {what}; allowed: {allowed}.").format(what=what, allowed=describe(allowed)),
            extra={"allowed": sorted(allowed)},
        )
    claimed = claimed_extension(getattr(upload, "name", None)) if check_name else None
    if claimed is not None and claimed != _family(found.extension):
        raise UnsupportedMediaType(
            _("The file is named as {claimed} but its content is {extension}.").format(
                claimed=claimed, extension=found.extension
            ),
            code="file_type_mismatch",
            extra={"allowed": sorted(allowed), "detected": found.extension},
        )
    return found


def audio_duration(upload: IO[bytes], found: DetectedType | None = None) -> float | None:
    """Seconds of audio according to mutagen, or None when it cannot tell (WebM has no mutagen
    reader; MediaRecorder files often carry no duration at all)."""
    import mutagen

    if found is not None and found.kind != KIND_AUDIO:
        return None
    _rewind(upload)
    try:
        parsed = mutagen.File(upload)
        length = getattr(getattr(parsed, "info", None), "length", None)
        return round(float(length), 3) if length else None
    except Exception:  # mutagen raises many private error types on damaged files
        return None
    finally:
        _rewind(upload)

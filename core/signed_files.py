"""Short-lived links to private files, for `<img>`, `<audio>` and `<a>`, which cannot send a Bearer
header. An endpoint that may show a file to its caller puts `signed_url(...)` in its answer:

- on S3 (`querystring_auth`), a presigned URL of the bucket itself;
- otherwise `/api/v1/files/<token>`, served here without authentication. The token is signed with
  the secret key (django.core.signing, HMAC-SHA256, compared in constant time) and names the storage
  path, the download name, the content type and the expiry, so none of them can be changed.

Expiries are rounded up to a whole minute, so the links a page gets within the same minute are the
same URL (the browser's cache works) and every link lives between SIGNED_FILE_TTL and a minute more.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core import signing
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse, JsonResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

SALT = "markaz.core.signed-file"
PATH_PREFIX = "/api/v1/files/"
ROUNDING_SECONDS = 60
CHUNK = 64 * 1024
RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


@dataclass(frozen=True)
class SignedUrl:
    url: str
    expires_at: datetime


def link_expiry() -> datetime:
    """When a link issued now expires: the same for every link of one response."""
    ttl = settings.SIGNED_FILE_TTL.total_seconds()
    moment = math.ceil((timezone.now().timestamp() + ttl) / ROUNDING_SECONDS) * ROUNDING_SECONDS
    return datetime.fromtimestamp(moment, tz=UTC)


def signed_url(field_file, *, filename: str, content_type: str) -> SignedUrl:
    """A link to `field_file` that works without a Bearer header until `expires_at`. Call it only
    for a caller who may see the file: the link is as good as the file."""
    expires_at = link_expiry()
    storage = field_file.storage
    if getattr(storage, "querystring_auth", False):
        seconds = int((expires_at - timezone.now()).total_seconds())
        parameters = {
            "ResponseContentDisposition": content_disposition_header(as_attachment=True, filename=filename),
            "ResponseContentType": content_type,
        }
        return SignedUrl(storage.url(field_file.name, parameters=parameters, expire=seconds), expires_at)
    claims = {"p": field_file.name, "n": filename, "t": content_type, "e": int(expires_at.timestamp())}
    return SignedUrl(PATH_PREFIX + signing.dumps(claims, salt=SALT, compress=True), expires_at)


def _error(status: int, detail: str, code: str) -> JsonResponse:
    return JsonResponse({"detail": detail, "code": code}, status=status)


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """The one range of `bytes=a-b`, `bytes=a-` or `bytes=-n` as (first, last), clipped to the file;
    None for no usable range header. Raises ValueError when it cannot be satisfied."""
    match = RANGE.match(header.strip())
    if not match or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if first == "":
        start, end = max(size - int(last), 0), size - 1
    else:
        start, end = int(first), min(int(last), size - 1) if last else size - 1
    if start > end or start >= size:
        raise ValueError("unsatisfiable range")
    return start, end


def _chunks(handle, length: int):
    try:
        while length > 0:
            data = handle.read(min(CHUNK, length))
            if not data:
                return
            length -= len(data)
            yield data
    finally:
        handle.close()


def _file_response(request, claims: dict) -> HttpResponse:
    name, content_type = claims["p"], claims["t"]
    if not default_storage.exists(name):
        return _error(404, "The file no longer exists.", "not_found")
    size = default_storage.size(name)
    try:
        wanted = _byte_range(request.headers.get("Range", ""), size)
    except ValueError:
        response = _error(416, "The requested range is outside the file.", "range_not_satisfiable")
        response["Content-Range"] = f"bytes */{size}"
        return response
    handle = default_storage.open(name, "rb")
    if wanted is None:
        response = FileResponse(handle, content_type=content_type)
    else:
        start, end = wanted
        handle.seek(start)
        response = StreamingHttpResponse(
            _chunks(handle, end - start + 1), status=206, content_type=content_type
        )
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=claims["n"])
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, max-age=60"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_safe
def serve_signed_file(request, token: str) -> HttpResponse:
    """GET /api/v1/files/<token>: no Bearer header, the signature is the authorization."""
    try:
        claims = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return _error(403, "This file link is not valid.", "invalid_signature")
    if claims["e"] <= timezone.now().timestamp():
        return _error(403, "This file link has expired; ask the API for a new one.", "link_expired")
    return _file_response(request, claims)

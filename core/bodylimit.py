"""A request-body cap in front of Django. Under ASGI Django reads the WHOLE body (spooling it to
disk past FILE_UPLOAD_MAX_MEMORY_SIZE) before any middleware or view runs, so a limit checked later
comes after the cost. This wraps the HTTP application: a declared Content-Length over the cap is
answered 413 at once, without reading a byte; a body without one (chunked) is counted while it
arrives and refused as soon as it passes the cap.

Caps: multipart bodies (the uploads) REQUEST_MAX_UPLOAD_BYTES; every other body (JSON, forms)
DATA_UPLOAD_MAX_MEMORY_SIZE, the size Django itself accepts for non-file data."""

from __future__ import annotations

import json

from django.conf import settings


class BodyTooLarge(Exception):
    pass


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin1")
    return None


def body_limit(scope) -> int:
    content_type = (_header(scope, b"content-type") or "").lower()
    if content_type.startswith("multipart/"):
        return int(settings.REQUEST_MAX_UPLOAD_BYTES)
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


async def _reject(send, limit: int) -> None:
    body = json.dumps(
        {"detail": f"The request body is larger than {limit} bytes.", "code": "payload_too_large"}
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodySizeLimit:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = body_limit(scope)
        declared = _header(scope, b"content-length")
        if declared is not None and (not declared.strip().isdigit() or int(declared) > limit):
            return await _reject(send, limit)
        received = 0

        async def counted_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge
            return message

        try:
            await self.app(scope, counted_receive, send)
        except BodyTooLarge:
            await _reject(send, limit)  # Django reads the body before it answers anything

"""Row 14: no request-body cap before parsing: a 300 MB unauthenticated body was spooled to disk.
The ASGI application now refuses an oversized body before Django reads any of it."""

from __future__ import annotations

import asyncio
import json

import pytest
from asgiref.sync import async_to_sync

from core.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)


def call(headers: list[tuple[bytes, bytes]], chunks: list[bytes]) -> tuple[dict, int]:
    """(the response, how many body chunks the application pulled)"""
    pulled = 0
    sent: list[dict] = []
    pending = list(chunks)
    done = False

    async def receive():
        nonlocal pulled, done
        if done:  # Django listens for a disconnect while it answers: none comes
            await asyncio.Event().wait()
        pulled += 1
        done = not pending or len(pending) == 1
        body = pending.pop(0) if pending else b""
        return {"type": "http.request", "body": body, "more_body": bool(pending)}

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/v1/auth/login",
        "raw_path": b"/api/v1/auth/login",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), *headers],
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
    }
    async_to_sync(application)(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return {"status": start["status"], "body": json.loads(body) if body else None}, pulled


def test_row14_request_body_is_capped_before_parsing(settings):
    declared = str(300 * 1024 * 1024).encode()
    response, pulled = call([(b"content-type", b"application/json"), (b"content-length", declared)], [b"{}"])
    assert response == {
        "status": 413,
        "body": {"detail": response["body"]["detail"], "code": "payload_too_large"},
    }
    assert pulled == 0  # not one byte was read


def test_row14_a_chunked_body_is_cut_off_at_the_cap(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response, pulled = call([(b"content-type", b"application/json")], [b"x" * 600] * 50)
    assert response["status"] == 413
    assert pulled == 2  # refused as soon as the count passed 1000 bytes


def test_row14_uploads_have_their_own_cap(settings):
    settings.REQUEST_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    big = str(11 * 1024 * 1024).encode()
    response, _ = call(
        [(b"content-type", b"multipart/form-data; boundary=x"), (b"content-length", big)], [b""]
    )
    assert response["status"] == 413


def test_row14_normal_bodies_pass(settings):
    body = json.dumps({"login": "nobody@example.uz", "password": "x"}).encode()
    response, _ = call(
        [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())], [body]
    )
    assert response["status"] == 401

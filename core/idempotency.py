"""`Idempotency-Key` on creating POSTs, with Stripe's semantics. A client that did not hear the
answer (a timeout, a dropped connection) sends the same request again with the same key and gets
the first answer back instead of a second invoice:

- same user + key + endpoint + body -> the first response (status and body), with
  `Idempotent-Replayed: true`;
- same key, another body or endpoint -> 409 `idempotency_key_reused`;
- the first request still running -> 409 `idempotency_key_in_use` (never a wait, never a second write);
- keys are kept 24 hours (`purge_expired_keys`, hourly from core/jobs.py).

The request runs in one transaction: the key is locked (a PostgreSQL advisory lock, held until
COMMIT), the view writes, and the response is recorded in the same transaction, so a crash or a 5xx
(rolled back whole) can never leave an answer for a write that did not happen. As at Stripe, only a
request that reached the view is recorded: 401, 422 for the body and 429 are answered before it and
can be retried with the same key.

Use it below the router decorator: `@router.post(...)` / `@idempotent` / `def create_x(...)`."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import timedelta
from functools import wraps

from django.db import IntegrityError, connection, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.decorators import decorate_view
from ninja.errors import ValidationError
from ninja.utils import contribute_operation_callback

from core.exceptions import Conflict
from core.models import IdempotencyRecord
from core.schemas import ErrorOut

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
KEEP = timedelta(hours=24)
# Stripe's limit; visible ASCII only, so a key is the same bytes in a header, a log and the database
KEY = re.compile(r"[\x21-\x7e]{1,255}")
IN_USE = "A request with this Idempotency-Key is still in progress."

OPENAPI_PARAMETER = {
    "name": HEADER,
    "in": "header",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x21-\\x7e]+$"},
    "description": (
        "Any unique string (a UUID). Resending the same request with the same key within 24 hours "
        "returns the first response with `Idempotent-Replayed: true`; another body with the same key "
        "is a 409 `idempotency_key_reused`, a request still running with it a 409 `idempotency_key_in_use`."
    ),
}


class _Claim:
    """What one request learned about its key: set by the view wrapper, read after the response."""

    def __init__(self, key: str):
        self.key = key
        self.owned = False  # the view ran under this key: its answer is to be recorded
        self.endpoint = ""
        self.fingerprint = ""


def idempotent(func):
    @wraps(func)
    def view(request, *args, **kwargs):
        claim = getattr(request, "_idempotency", None)
        if claim is not None and getattr(request.auth, "pk", None) is not None:
            replay = _claim_or_replay(request, claim)
            if replay is not None:
                return replay
        return func(request, *args, **kwargs)

    contribute_operation_callback(view, _declare)
    return decorate_view(_one_transaction)(view)


def _declare(operation) -> None:
    """The header and the 409 it can cause, in the OpenAPI document."""
    extra = dict(operation.openapi_extra or {})
    extra["parameters"] = [*extra.get("parameters", []), OPENAPI_PARAMETER]
    operation.openapi_extra = extra
    if 409 not in operation.response_models:
        operation.response_models[409] = operation._create_response_model(ErrorOut)


def _one_transaction(run):
    @wraps(run)
    def run_idempotently(request, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return run(request, **kwargs)
        claim = request._idempotency = _Claim(key)
        with transaction.atomic():
            response = run(request, **kwargs)
            if claim.owned:
                response = _record_or_roll_back(request, claim, response)
        return response

    return run_idempotently


def _claim_or_replay(request, claim: _Claim) -> HttpResponse | None:
    """Locks the key for this transaction; the recorded answer if there is one, else None (the view
    runs and its answer is recorded)."""
    if not KEY.fullmatch(claim.key):
        raise ValidationError(
            [{"loc": ["header", HEADER], "msg": "1 to 255 visible ASCII characters", "type": "value_error"}]
        )
    user_id = request.auth.pk
    if not _try_lock(user_id, claim.key):
        raise Conflict(IN_USE, code="idempotency_key_in_use")
    endpoint = f"{request.method} {request.path}"
    fingerprint = _fingerprint(request)
    record = IdempotencyRecord.objects.filter(user_id=user_id, key=claim.key).first()
    if record is not None and record.created_at < timezone.now() - KEEP:
        record.delete()  # expired but not purged yet: the key is free again
        record = None
    if record is None:
        claim.owned, claim.endpoint, claim.fingerprint = True, endpoint, fingerprint
        return None
    if (record.endpoint, record.fingerprint) != (endpoint, fingerprint):
        raise Conflict(_("This Idempotency-Key was used for another request."), code="idempotency_key_reused")
    response = HttpResponse(bytes(record.body), status=record.status_code, content_type=record.content_type)
    response[REPLAYED] = "true"
    return response


def _record_or_roll_back(request, claim: _Claim, response):
    storable = response.status_code < 500 and not getattr(response, "streaming", False)
    if not storable or transaction.get_rollback():
        transaction.set_rollback(True)  # a 5xx keeps nothing: the retry runs the request afresh
        return response
    try:
        with transaction.atomic():
            IdempotencyRecord.objects.create(
                user_id=request.auth.pk,
                key=claim.key,
                endpoint=claim.endpoint,
                fingerprint=claim.fingerprint,
                status_code=response.status_code,
                content_type=response.get("Content-Type", "application/json"),
                body=response.content,
                created_at=timezone.now(),
            )
    except IntegrityError:
        # only without advisory locks (SQLite): a concurrent request with this key committed first
        transaction.set_rollback(True)
        from core.api import error_response

        return error_response(
            request,
            409,
            "A request with this Idempotency-Key is still in progress.",
            "idempotency_key_in_use",
        )
    return response


def _try_lock(user_id: int, key: str) -> bool:
    """A transaction-scoped advisory lock on (user, key): a second request with the key is refused
    at once instead of waiting for the first. Other databases serialise writers themselves, and the
    unique (user_id, key) constraint refuses the later of two."""
    if connection.vendor != "postgresql":
        return True
    digest = hashlib.blake2b(f"idempotency:{user_id}:{key}".encode(), digest_size=8).digest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [int.from_bytes(digest, "big", signed=True)])
        return bool(cursor.fetchone()[0])


def _fingerprint(request) -> str:
    """sha256 of the query string and the body as the server read it: JSON canonically (key order
    and spaces do not matter); multipart by its fields and the bytes of its files, because a client
    library draws a new random boundary for every retry of the same upload."""
    digest = hashlib.sha256(request.META.get("QUERY_STRING", "").encode() + b"\0")
    if request.content_type == "multipart/form-data":
        for name in sorted(request.POST):
            for value in request.POST.getlist(name):
                digest.update(f"{name}={value}\0".encode())
        for name in sorted(request.FILES):
            for upload in request.FILES.getlist(name):
                digest.update(f"{name}:{upload.name}:{upload.size}\0".encode())
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)  # the view reads it next
    else:
        try:
            body = json.dumps(json.loads(request.body), sort_keys=True, separators=(",", ":")).encode()
        except ValueError:
            body = request.body
        digest.update(body)
    return digest.hexdigest()


def purge_expired_keys() -> int:
    """Hourly (core/jobs.py): one DELETE of the keys older than 24 hours."""
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
    return deleted


__all__ = ["HEADER", "REPLAYED", "idempotent", "purge_expired_keys"]

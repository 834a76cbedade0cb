"""End to end on daphne (PostgreSQL in autocommit): a browser may send Idempotency-Key (CORS
preflight) and read Idempotent-Replayed; an invoice POSTed twice with one key is written once and
the retry gets the first answer."""

from __future__ import annotations

import os

import httpx
import pytest

from core.auth import issue_access_token
from modules.payments.models import Payment

pytestmark = pytest.mark.e2e

# the front end's origin under production settings (the first of CORS_ALLOWED_ORIGINS)
FRONT_END = os.environ.get("CORS_ALLOWED_ORIGINS", "http://localhost:3000").split(",")[0]


def test_a_browser_retry_of_an_invoice_is_answered_from_the_first(
    daphne_server, transactional_db, admin, student
):
    api = httpx.Client(
        base_url=f"{daphne_server.url}/api/v1",
        headers={"Authorization": f"Bearer {issue_access_token(admin)}", "Origin": FRONT_END},
        timeout=10,
    )
    preflight = api.options(
        "/payments",
        headers={
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type, idempotency-key",
        },
    )
    assert preflight.status_code == 200
    assert "idempotency-key" in preflight.headers["access-control-allow-headers"].lower()

    body = {"student_id": student.pk, "amount": 75_000_00, "due_date": "2026-12-28"}
    key = {"Idempotency-Key": "e2e-invoice-1"}
    first = api.post("/payments", json=body, headers=key)
    retry = api.post("/payments", json=body, headers=key)

    assert first.status_code == retry.status_code == 201, first.text
    assert retry.json() == first.json()
    assert retry.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" in retry.headers["access-control-expose-headers"].lower()
    assert Payment.objects.filter(student=student).count() == 1

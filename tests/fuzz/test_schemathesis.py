"""Schema fuzzing: schemathesis generates requests for every operation from the OpenAPI document and
sends them through the real Django stack as an admin and as a student. No 5xx, every status declared,
every body matching its declared schema. Bounded: FUZZ_EXAMPLES examples per operation (default 3)."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import ignored_auth

from core.auth import issue_access_token
from tests.contract.snapshot import current_schema
from tests.factories.accounts import AdminFactory, StudentFactory

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
# Endpoints whose protocol is not REST/JSON-error shaped (Payme answers JSON-RPC, HTTP 200 always),
# or that talk to the outside world by design, are fuzzed by their own module's tests instead.
SKIP_PATHS = ("/api/v1/payments/payme",)

# Ninja emits OpenAPI 3.1; schemathesis 3.x fuzzes it through its 3.0 engine (the subset we use is the same).
schema = schemathesis.from_dict(current_schema(), app=get_wsgi_application(), force_schema_version="30")


@pytest.fixture
def personas(db, settings):
    settings.THROTTLE_RATES = {scope: "100000/min" for scope in settings.THROTTLE_RATES}
    admin = AdminFactory()
    student = StudentFactory()
    # As Django's test Client does: a request must not close the test's connection (and its
    # transaction) through close_old_connections.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield {"admin": issue_access_token(admin), "student": issue_access_token(student)}
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_server_errors_and_responses_match_schema(case, personas):
    if case.path.startswith(SKIP_PATHS):
        return
    for token in personas.values():
        response = case.call_wsgi(headers={"Authorization": f"Bearer {token}"})
        # ignored_auth re-sends the request without security parameters, but our token travels as an
        # explicit header, so it would still be sent; authentication is tested per endpoint instead.
        case.validate_response(response, excluded_checks=(ignored_auth,))

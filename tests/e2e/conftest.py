"""End-to-end fixtures, reusable by every module's e2e tests (mark them `@pytest.mark.e2e`):

    def test_something(daphne_server, qcluster_worker, transactional_db, ...): ...

`daphne_server` and `qcluster_worker` are real processes (session-scoped, started on first use; one
pair per xdist worker that runs e2e tests) running production's settings module against the
pytest-django test database and the test Redis, with this process's cache-key and channel prefixes.
Rows the test writes must be committed to be seen by them: request `transactional_db` (not `db`).
Without PostgreSQL and Redis (e.g. `make test` on SQLite) every test using these fixtures is skipped,
unless E2E_REQUIRED=1 (CI), where that is a failure.

Providers: both processes talk to one local fake (pytest-httpserver, the session's `httpserver`) for
OpenAI (`/v1/...`), Telegram (`/bot<token>/...`) and Eskiz (`/api/...`); a test adds the answers it
needs through the `providers` fixture (cleared after each test). Payme is configured with
PAYME_MERCHANT_ID / PAYME_KEY below (Payme calls us: sign the JSON-RPC requests with that key). WebSocket helpers:
`tests.e2e.harness.open_socket(daphne_server, live_api(user))` and `next_event(socket, type=...)`;
`eventually(probe)` polls the API with a deadline."""

from __future__ import annotations

import os
from datetime import time
from urllib.parse import urlparse, urlunparse

import httpx
import pytest
from django.conf import settings
from django.db import connection

from core.auth import issue_access_token
from tests.e2e.harness import Daphne, QCluster, process_env, retry_flush_on_deadlock

# Between e2e tests the tables are truncated while the worker may still be finishing a reaction that
# holds row locks: Postgres can answer the TRUNCATE with "deadlock detected". That is the test
# harness racing the worker, not the code under test, so the flush is retried.
retry_flush_on_deadlock()

TELEGRAM_BOT_TOKEN = "123456:E2E-token"
PAYME_MERCHANT_ID, PAYME_KEY = "e2e-merchant", "e2e-payme-key"  # Basic auth "Paycom:<key>" to daphne


def provider_env(base_url: str) -> dict[str, str]:
    """Every provider pointed at the local fake: credentials set, so none of them counts as disabled."""
    return {
        "OPENAI_BASE_URL": f"{base_url}/v1",
        "OPENAI_API_KEY": "sk-e2e-local",
        "TRANSCRIPTION_MODEL": "whisper-1",
        "TELEGRAM_API_BASE": base_url,
        "TELEGRAM_BOT_TOKEN": TELEGRAM_BOT_TOKEN,
        "TELEGRAM_BOT_USERNAME": "markaz_e2e_bot",
        "ESKIZ_BASE_URL": f"{base_url}/api",
        "ESKIZ_EMAIL": "center@example.uz",
        "ESKIZ_PASSWORD": "eskiz-e2e-pass",
        "PAYME_MERCHANT_ID": PAYME_MERCHANT_ID,
        "PAYME_KEY": PAYME_KEY,
    }


def isolation_env() -> dict[str, str]:
    """The names this test process uses on the shared Redis (per xdist worker, tests/settings.py)."""
    return {
        "CACHE_KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
        "CHANNELS_PREFIX": settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"],
    }


@pytest.fixture(scope="session")
def e2e_env(django_db_setup, django_db_blocker, tmp_path_factory, make_httpserver) -> dict:
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        reason = "end-to-end tests need DATABASE_URL=postgres://... and REDIS_URL"
        if os.environ.get("E2E_REQUIRED") == "1":
            pytest.fail(f"E2E_REQUIRED=1: {reason}")
        pytest.skip(reason)
    # After django_db_setup the connection points at the test database (test_<name>[_gwN]).
    url = urlparse(os.environ["DATABASE_URL"])
    database_url = urlunparse(url._replace(path="/" + connection.settings_dict["NAME"]))
    log_dir = tmp_path_factory.mktemp("e2e-logs")
    extra = {
        **isolation_env(),
        **provider_env(make_httpserver.url_for("").rstrip("/")),
        "MEDIA_ROOT": str(tmp_path_factory.mktemp("e2e-media")),
    }
    return {"env": process_env(database_url, settings.REDIS_URL, **extra), "log_dir": log_dir}


@pytest.fixture(scope="session")
def daphne_server(e2e_env):
    """One daphne process serving core.asgi (HTTP and /ws/): `.url`, `.ws_url`, `.origin`, `.pid`."""
    server = Daphne(e2e_env["env"], e2e_env["log_dir"])
    yield server
    server.stop()


@pytest.fixture(scope="session")
def qcluster_worker(e2e_env):
    """One `manage.py qcluster` (the ORM broker on the test database)."""
    worker = QCluster(e2e_env["env"], e2e_env["log_dir"])
    yield worker
    worker.stop()


@pytest.fixture
def providers(e2e_env, httpserver):
    """The local fake behind every provider of the e2e processes: add expectations, read `.log`."""
    return httpserver


@pytest.fixture
def center_awake(transactional_db):
    """No quiet hours (start == end): Telegram and SMS go out at once whatever the hour of the run."""
    from modules.center.models import SystemSettings
    from modules.center.selectors import invalidate_system_settings

    row, _ = SystemSettings.objects.get_or_create(pk=1)
    row.quiet_hours_start = row.quiet_hours_end = time(0, 0)
    row.save()
    invalidate_system_settings()  # the processes read it through the shared cache
    return row


@pytest.fixture
async def live_api(daphne_server):
    """live_api(user) → an httpx.AsyncClient on daphne's /api/v1, authenticated as `user`."""
    clients: list[httpx.AsyncClient] = []

    def make(user=None) -> httpx.AsyncClient:
        headers = {"Authorization": f"Bearer {issue_access_token(user)}"} if user is not None else {}
        client = httpx.AsyncClient(base_url=f"{daphne_server.url}/api/v1", headers=headers, timeout=10)
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()

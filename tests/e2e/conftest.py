"""End-to-end fixtures, reusable by every module's e2e tests (mark them `@pytest.mark.e2e`):

    def test_something(daphne_server, qcluster_worker, transactional_db, ...): ...

`daphne_server` and `qcluster_worker` are real processes (session-scoped, started on first use)
running against the pytest-django test database and the test Redis. Rows the test writes must be
committed to be seen by them: request `transactional_db` (not `db`). Without PostgreSQL and Redis
(e.g. `make test` on SQLite) every test using these fixtures is skipped. WebSocket helpers:
`tests.e2e.harness.open_socket(daphne_server, live_api(user))` and `next_event(socket, type=...)`."""

from __future__ import annotations

import os
from urllib.parse import urlparse, urlunparse

import httpx
import pytest
from django.conf import settings
from django.db import connection

from core.auth import issue_access_token
from tests.e2e.harness import Daphne, QCluster, process_env


@pytest.fixture(scope="session")
def e2e_env(django_db_setup, django_db_blocker, tmp_path_factory) -> dict:
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.skip("end-to-end tests need DATABASE_URL=postgres://... and REDIS_URL")
    # After django_db_setup the connection points at the test database (test_<name>).
    url = urlparse(os.environ["DATABASE_URL"])
    database_url = urlunparse(url._replace(path="/" + connection.settings_dict["NAME"]))
    log_dir = tmp_path_factory.mktemp("e2e-logs")
    return {"env": process_env(database_url, settings.REDIS_URL), "log_dir": log_dir}


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

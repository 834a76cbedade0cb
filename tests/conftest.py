"""Persona fixtures (admin, teacher, student, parent, outsider) and an API client that speaks JSON to
the real Django stack (middleware included) with a Bearer token. Also the suite-wide hooks: e2e tests
grouped on one xdist worker, and a warning when the production-parity tests could not run."""

from __future__ import annotations

import glob
import json
import subprocess
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.test import Client

from core.auth import issue_access_token
from tests.factories.accounts import AdminFactory, ParentFactory, StudentFactory, TeacherFactory, link_parent

API = "/api/v1"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's, closing first the connections of asgiref's shared thread: an async test's
    `sync_to_async` calls run there (there is no outer sync thread), and the connections that thread
    opened stayed idle on the test database, so dropping it failed at the end of every worker ("is
    being accessed by other users")."""
    yield
    from asgiref.sync import SyncToAsync
    from django.db import connections

    with django_db_blocker.unblock():
        SyncToAsync.single_thread_executor.submit(connections.close_all).result(timeout=30)


class ApiClient:
    def __init__(self, user=None):
        self.user = user
        self.client = Client()
        self.headers: dict[str, str] = {}
        if user is not None:
            self.headers["Authorization"] = f"Bearer {issue_access_token(user)}"

    def _url(self, path: str) -> str:
        return (
            path
            if path.startswith(("/api/", "/healthz", "/readyz", "/admin", "/static/", "/ws/"))
            else API + path
        )

    def request(self, method: str, path: str, json_body: Any = None, *, headers=None, **kwargs):
        all_headers = {**self.headers, **(headers or {})}
        if json_body is not None:
            kwargs.update(data=json.dumps(json_body), content_type="application/json")
        return getattr(self.client, method)(self._url(path), headers=all_headers, **kwargs)

    def get(self, path, params=None, **kw):
        return self.request("get", path, data=params or {}, **kw)

    def post(self, path, json=None, **kw):
        return self.request("post", path, json, **kw)

    def put(self, path, json=None, **kw):
        return self.request("put", path, json, **kw)

    def patch(self, path, json=None, **kw):
        return self.request("patch", path, json, **kw)

    def delete(self, path, **kw):
        return self.request("delete", path, **kw)

    def upload(self, path, data: dict, **kw):
        """multipart/form-data POST (files as SimpleUploadedFile or open file objects)."""
        return self.client.post(
            self._url(path), data=data, headers={**self.headers, **kw.pop("headers", {})}, **kw
        )


def pytest_sessionstart(session):
    """The .mo catalogs are built, not committed (docs/i18n.md): rebuild the stale ones once, in the
    controller before any xdist worker starts, so a test never reads a translation older than its .po
    (`make test` has done it already; a bare `pytest` has not)."""
    if not hasattr(session.config, "workerinput"):
        subprocess.run(["make", "-s", "compile-messages"], cwd=settings.BASE_DIR, check=True)


def pytest_collection_modifyitems(config, items):
    """Under `--dist loadgroup` every e2e test goes to one xdist worker: one daphne + qcluster pair for
    the run instead of one per worker on a 2-core machine (each worker could run its own all the same:
    databases, cache keys and channel prefixes are per worker, see tests/settings.py)."""
    for item in items:
        if item.get_closest_marker("e2e"):
            item.add_marker(pytest.mark.xdist_group("e2e"))


def production_parity_available() -> bool:
    return settings.IS_POSTGRES and bool(settings.REDIS_URL)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    ran = any(terminalreporter.stats.get(key) for key in ("passed", "failed", "skipped", "error"))
    if hasattr(config, "workerinput") or production_parity_available() or not ran:
        return
    skipped = len(terminalreporter.stats.get("skipped", []))
    terminalreporter.write_line(
        f"WARNING: no PostgreSQL+Redis (DATABASE_URL/REDIS_URL unset): the production-parity tests "
        f"(e2e through daphne+qcluster, Postgres-only) were skipped ({skipped} skipped in all); CI runs them.",
        yellow=True,
        bold=True,
    )


def clear_cache() -> None:
    """Empty this test process's cache. On Redis only its own keys (its KEY_PREFIX): FLUSHDB would
    also wipe the cache of the other xdist workers sharing the Redis database."""
    cache = caches["default"]
    if not isinstance(cache, RedisCache):
        cache.clear()
        return
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{glob.escape(cache.key_prefix)}:*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture(autouse=True)
def _clean_cache():
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def admin(db):
    return AdminFactory(first_name="Ada", last_name="Admin")


@pytest.fixture
def teacher(db):
    return TeacherFactory(first_name="Tom", last_name="Teacher")


@pytest.fixture
def student(db):
    return StudentFactory(first_name="Sam", last_name="Student")


@pytest.fixture
def parent(db, student):
    p = ParentFactory(first_name="Pat", last_name="Parent")
    link_parent(p, student)
    return p


@pytest.fixture
def outsider(db):
    """A student with no ties to anyone else's objects: their objects are 404 for the others."""
    return StudentFactory(first_name="Olga", last_name="Outsider")


@pytest.fixture
def api(db):
    """api() is anonymous; api(user) is authenticated as that user."""

    def make(user=None) -> ApiClient:
        return ApiClient(user)

    return make


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Use as `with run_on_commit(): ...` so tasks and events queued on commit run in the test."""

    def ctx():
        return django_capture_on_commit_callbacks(execute=True)

    return ctx

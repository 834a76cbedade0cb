from __future__ import annotations

import pytest

from core import health

pytestmark = pytest.mark.django_db


def test_each_dependency_is_reported(api):
    r = api().get("/readyz")
    body = r.json()
    for name in ("database", "cache", "channel_layer", "queue", "migrations", "storage"):
        assert body["checks"][name]["ok"] is True, (name, body["checks"][name])
        assert body["checks"][name]["ms"] >= 0
    assert r.status_code == 200
    assert body["checks"]["database"]["engine"] in ("postgresql", "sqlite")
    assert set(body["providers"]) == {"payme", "eskiz", "telegram", "openai", "email", "s3"}


def test_a_failing_dependency_makes_it_unavailable(api, monkeypatch):
    def broken():
        raise ConnectionError("redis is down")

    monkeypatch.setattr(health, "_cache", broken)
    r = api().get("/readyz")
    assert r.status_code == 503
    body = r.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["cache"] == {"ok": False, "error": "ConnectionError: redis is down"}
    assert body["checks"]["database"]["ok"] is True


def test_pending_migrations_are_not_ready(api, monkeypatch):
    monkeypatch.setattr(health, "_migrated", False)

    class Plan:
        def __init__(self, connection):
            self.loader = type("L", (), {"graph": type("G", (), {"leaf_nodes": lambda self: []})()})()

        def migration_plan(self, targets):
            return [("app", "0002")]

    monkeypatch.setattr("django.db.migrations.executor.MigrationExecutor", Plan)
    body = api().get("/readyz").json()
    assert body["checks"]["migrations"]["ok"] is False
    assert "1 migration(s) not applied" in body["checks"]["migrations"]["error"]


def test_configured_providers_are_enabled(api, settings):
    settings.PAYME_MERCHANT_ID, settings.PAYME_KEY = "m", "k"
    assert api().get("/readyz").json()["providers"]["payme"] == "enabled"

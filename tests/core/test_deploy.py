"""Production readiness: `check --deploy` is clean with production env, the dev key is refused,
HTTPS is enforced behind a proxy, and compose.yaml validates where a compose CLI exists."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
    "DJANGO_ALLOWED_HOSTS": "markaz.example.uz",
    "CSRF_TRUSTED_ORIGINS": "https://markaz.example.uz",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_in_production():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_complains_with_development_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env={"DJANGO_DEBUG": "true"})
    assert result.returncode != 0
    assert "security.W018" in result.stderr  # DEBUG on


@pytest.mark.parametrize("key", [None, "short-key"])
def test_production_refuses_a_missing_or_weak_secret_key(key):
    env = {**PRODUCTION_ENV}
    env.pop("DJANGO_SECRET_KEY")
    if key:
        env["DJANGO_SECRET_KEY"] = key
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_logs_are_json_lines_with_request_ids():
    code = "import logging; logging.getLogger('markaz.probe').warning('hello from production')"
    result = manage("shell", "-c", code, env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    line = next(raw for raw in result.stderr.splitlines() if "hello from production" in raw)
    record = json.loads(line)
    assert record["message"] == "hello from production"
    assert record["level"] == "WARNING" and record["request_id"] == "-"


@pytest.fixture
def https_settings(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    return settings


@pytest.mark.django_db
def test_plain_http_is_redirected_but_probes_are_not(client, https_settings):
    r = client.get("/api/v1/settings")
    assert r.status_code == 301 and r["Location"].startswith("https://")
    assert client.get("/healthz").status_code == 200  # load balancers probe over plain HTTP


@pytest.mark.django_db
def test_https_behind_the_proxy_gets_hsts(client, https_settings):
    r = client.get("/healthz", headers={"X-Forwarded-Proto": "https"})
    assert r.status_code == 200
    assert r["Strict-Transport-Security"].startswith("max-age=31536000")
    assert r["X-Frame-Options"] == "DENY"
    assert r["X-Content-Type-Options"] == "nosniff"


def _compose_command() -> list[str] | None:
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True, timeout=30)
        if probe.returncode == 0:
            return ["docker", "compose"]
    return None


@pytest.mark.skipif(_compose_command() is None, reason="no docker compose / docker-compose CLI here")
def test_compose_file_validates():
    cmd = _compose_command()
    env = {**os.environ, "DJANGO_SECRET_KEY": PRODUCTION_ENV["DJANGO_SECRET_KEY"]}
    result = subprocess.run(
        [*cmd, "-f", str(ROOT / "compose.yaml"), "config", "-q"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_compose_file_declares_every_service_with_a_healthcheck():
    yaml = pytest.importorskip("yaml")
    spec = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = spec["services"]
    assert set(services) == {"postgres", "redis", "migrate", "web", "ws", "worker"}
    for name, service in services.items():
        assert "healthcheck" in service, name
    assert services["web"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["ws"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert "core.wsgi:application" in services["web"]["command"]  # HTTP on gunicorn's workers
    assert "core.asgi:application" in services["ws"]["command"]  # /ws/ on daphne
    assert services["worker"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_procfile_has_the_contract_entries():
    entries = dict(
        line.split(":", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line.strip()
    )
    assert set(entries) >= {"release", "web", "ws", "worker"}
    assert "migrate" in entries["release"] and "sync_schedules" in entries["release"]
    assert "gunicorn" in entries["web"] and "core.wsgi:application" in entries["web"]
    assert "daphne" in entries["ws"] and "core.asgi:application" in entries["ws"]
    assert "qcluster" in entries["worker"]


def test_periodic_jobs_are_declared_in_jobs_py_only():
    """sync_schedules reads each module's jobs.py (JOBS); a file under the old name would be ignored
    silently, so none may exist."""
    from pathlib import Path

    from core.management.commands.sync_schedules import declared_jobs

    root = Path(__file__).resolve().parents[2] / "modules"
    assert sorted(p.parent.name for p in root.glob("*/schedules.py")) == []
    names = {job.name for job in declared_jobs()}
    assert {"lessons.generate_active_groups", "payments.generate_invoices", "crm.trial_reminders"} <= names

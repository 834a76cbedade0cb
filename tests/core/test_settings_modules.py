"""Production settings carry no test branch; the test settings isolate each pytest-xdist worker on a
shared Redis (cache keys, channel-layer prefix), and the cache clean-up between tests touches only the
current worker's keys."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import clear_cache

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import json, importlib, sys; import pytest; s = importlib.import_module(sys.argv[1]); "
    "print(json.dumps({'sync': s.Q_CLUSTER['sync'], 'hashers': getattr(s, 'PASSWORD_HASHERS', None), "
    "'cache': s.CACHES['default'].get('KEY_PREFIX'), "
    "'channels': s.CHANNEL_LAYERS['default'].get('CONFIG', {}).get('prefix')}))"
)


def settings_of(module: str, **env: str) -> dict:
    """The values `module` computes in a fresh interpreter (pytest imported, as under pytest)."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTEST_", "Q_SYNC", "CACHE_KEY", "CHANNELS"))
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE, module],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_settings_ignore_that_pytest_is_imported():
    production = settings_of("core.settings")
    assert production["sync"] is False  # tasks go to the worker
    assert production["hashers"] is None  # Django's default (PBKDF2), never the test MD5


def test_test_settings_run_tasks_inline_with_a_cheap_hasher():
    test = settings_of("tests.settings")
    assert test["sync"] is True
    assert test["hashers"] == ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_each_xdist_worker_gets_its_own_cache_keys_and_channel_prefix():
    redis = {"REDIS_URL": "redis://127.0.0.1:6379/3"}
    alone = settings_of("tests.settings", **redis)
    gw0 = settings_of("tests.settings", PYTEST_XDIST_WORKER="gw0", **redis)
    gw1 = settings_of("tests.settings", PYTEST_XDIST_WORKER="gw1", **redis)
    assert (alone["cache"], alone["channels"]) == ("markaz", "markaz3.")
    assert (gw0["cache"], gw0["channels"]) == ("markaz.gw0", "markaz3.gw0.")
    assert (gw1["cache"], gw1["channels"]) == ("markaz.gw1", "markaz3.gw1.")


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL)")
def test_clearing_the_cache_leaves_another_workers_keys_alone():
    from django.core.cache import caches

    cache = caches["default"]
    client = cache._cache.get_client(write=True)
    neighbour = f"{cache.key_prefix}.gw99:1:throttle"  # another worker's key on the same database
    client.set(neighbour, b"1")
    try:
        cache.set("mine", 1)
        clear_cache()
        assert cache.get("mine") is None
        assert client.get(neighbour) == b"1"
    finally:
        client.delete(neighbour)

"""pytest's settings (pyproject: DJANGO_SETTINGS_MODULE): production's core.settings plus what only
the test process needs. The e2e processes (daphne, qcluster) run core.settings itself, with the
names this module chose for them passed in their environment (tests/e2e/conftest.py)."""

from __future__ import annotations

import os

from core.settings import *  # noqa: F403
from core.settings import CACHES, CHANNEL_LAYERS, Q_CLUSTER, REDIS_URL, env

# A cheap hasher: factories hash a password for every user they make.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tasks run in the caller, inside the test's transaction (e2e workers get Q_SYNC=false).
Q_CLUSTER = {**Q_CLUSTER, "sync": env.bool("Q_SYNC", default=True)}

# Under pytest-xdist every worker (gw0, gw1, ...) has its own test database (pytest-django adds the
# suffix); on a shared Redis it also gets its own cache keys and channel-layer prefix, so one worker's
# cache.clear() and WebSocket events never reach another worker or its e2e processes.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if REDIS_URL and XDIST_WORKER:
    CACHES = {
        "default": {**CACHES["default"], "KEY_PREFIX": f"{CACHES['default']['KEY_PREFIX']}.{XDIST_WORKER}"}
    }
    _layer = CHANNEL_LAYERS["default"]
    CHANNEL_LAYERS = {
        "default": {
            **_layer,
            "CONFIG": {**_layer["CONFIG"], "prefix": f"{_layer['CONFIG']['prefix']}{XDIST_WORKER}."},
        }
    }

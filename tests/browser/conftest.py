"""Playwright against Debian's chromium (/usr/bin/chromium, never Playwright's own browser
download). Where chromium is missing and this process is root with apt-get, it is installed once;
otherwise every browser test is skipped with the reason. The app is pytest-django's live_server (a
real HTTP server thread on the test database, static files included)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
APT_TIMEOUT = 900


def _install_chromium() -> str:
    if CHROMIUM.exists():
        return ""
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        return "chromium is not installed and this is not root with apt-get"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for argv in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "chromium"]):
        done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=APT_TIMEOUT, check=False)
        if done.returncode != 0 and argv[1] == "install":
            return f"apt-get install chromium failed: {done.stderr.strip()[-300:]}"
    return "" if CHROMIUM.exists() else "apt-get ran but /usr/bin/chromium is still missing"


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    problem = _install_chromium()
    if problem:
        pytest.skip(f"browser tests need Debian's chromium: {problem}")
    # Playwright's sync API keeps an event loop running in this thread while it is open; the tests
    # touch the database only before a page opens, and the live server answers from its own thread.
    # Module scope: the loop (and the relaxed async check) end with this module, before the xdist
    # worker goes on to tests that run their own event loops (e2e, sockets).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_api.sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous

"""Processes for end-to-end tests and benchmarks: daphne and `manage.py qcluster` started as real
subprocesses on free ports, against the same database and Redis as the test process."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import connect

from tests.contract.frames import check_frame

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate: Callable[[], bool], *, timeout: float, what: str, interval: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise TimeoutError(f"{what}: not ready after {timeout}s")


class LiveProcess:
    """A subprocess in its own process group (qcluster forks workers), its output in a log file."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log_dir: Path, preexec=None):
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=preexec,
        )

    @property
    def pid(self) -> int:
        return self.proc.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def check_alive(self) -> None:
        if self.proc.poll() is not None:
            raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n{self.log()[-3000:]}")

    def wait_ready(self, predicate: Callable[[], bool], what: str, timeout: float = 60) -> None:
        try:
            wait_until(predicate, timeout=timeout, what=what)
        except BaseException:
            self.stop()
            raise

    def stop(self, timeout: float = 20) -> None:
        """SIGTERM to the process (qcluster then stops its own workers), SIGKILL to whatever is left
        of the process group it leads (only processes this object started)."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self._log.close()


class Daphne(LiveProcess):
    def __init__(self, env: dict[str, str], log_dir: Path, preexec=None):
        self.port = free_port()
        argv = [
            sys.executable,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(self.port),
            "core.asgi:application",
        ]
        super().__init__("daphne", argv, env, log_dir, preexec)
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}/ws/"
        self.origin = "http://127.0.0.1"
        self.wait_ready(self._healthy, "daphne /healthz")

    def _healthy(self) -> bool:
        self.check_alive()
        try:
            return httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False


class QCluster(LiveProcess):
    def __init__(self, env: dict[str, str], log_dir: Path):
        super().__init__("qcluster", [sys.executable, "manage.py", "qcluster"], env, log_dir)
        self.wait_ready(self._running, "qcluster start-up")

    def _running(self) -> bool:
        self.check_alive()
        return re.search(r"Q Cluster .* running\.", self.log()) is not None


def process_env(database_url: str, redis_url: str, **extra: str) -> dict[str, str]:
    """What a child process needs to share the caller's database and Redis (tasks queued in the
    database, events through Redis pub/sub). It runs production's settings module, never the test
    one; Q_SYNC=false: the worker must really pick tasks up."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update(
        DJANGO_SETTINGS_MODULE="core.settings",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        Q_SYNC="false",
    )
    return {**env, **extra}


class CheckedSocket:
    """A `websockets` connection whose every received text frame is checked against the published
    AsyncAPI document (tests/contract/frames.py) before the test sees it."""

    def __init__(self, connection):
        self._connection = connection

    async def recv(self, *args, **kwargs):
        text = await self._connection.recv(*args, **kwargs)
        if isinstance(text, str):
            check_frame(json.loads(text))
        return text

    def __getattr__(self, name):
        return getattr(self._connection, name)


async def open_socket(daphne_server, api: httpx.AsyncClient):
    """A `websockets` connection to daphne's /ws/ with a ticket from POST /realtime/ticket, the welcome
    frame already read (returned beside it). Every frame it receives is checked against the contract."""
    response = await api.post("/realtime/ticket")
    response.raise_for_status()
    socket = CheckedSocket(
        await connect(
            f"{daphne_server.ws_url}?ticket={response.json()['ticket']}", origin=daphne_server.origin
        )
    )
    welcome = json.loads(await socket.recv())
    return socket, welcome


async def next_event(socket, *, type: str, timeout: float = 10) -> dict:
    """The next frame of `type` (other frames skipped, every one checked against the AsyncAPI
    document), or TimeoutError."""

    async def wait():
        while True:
            frame = check_frame(json.loads(await socket.recv()))
            if frame.get("type") == type:
                return frame

    return await asyncio.wait_for(wait(), timeout)


async def eventually(probe: Callable[[], Awaitable[Any]], *, what: str, timeout: float = 20, interval=0.1):
    """Awaits `probe()` until it returns something truthy and returns that: effects of the worker (or
    of a receiver that may move there) are polled for with a deadline, never assumed synchronous."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = await probe()
        if last:
            return last
        await asyncio.sleep(interval)
    raise TimeoutError(f"{what}: not seen after {timeout}s (last probe: {last!r})")


def retry_flush_on_deadlock(attempts: int = 5) -> None:
    """Make TransactionTestCase's teardown flush retry when Postgres picks it as a deadlock victim
    (a live worker process still holds locks the TRUNCATE needs). Idempotent."""
    from django.core.management.base import CommandError
    from django.db import OperationalError
    from django.test.testcases import TransactionTestCase

    original = TransactionTestCase._fixture_teardown
    if getattr(original, "retries_deadlocks", False):
        return

    def teardown(self):
        for attempt in range(attempts):
            try:
                return original(self)
            except (OperationalError, CommandError) as exc:  # flush wraps the database's error
                if "deadlock detected" not in f"{exc} {exc.__cause__}" or attempt == attempts - 1:
                    raise

    teardown.retries_deadlocks = True
    TransactionTestCase._fixture_teardown = teardown

"""What benchmarks share: a database prepared once (migrated; the scale demo is built on demand),
and helpers to start daphne / qcluster processes on free ports."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class BenchContext:
    """Benchmarks run against the real configured database (DATABASE_URL), migrated on entry."""

    def __init__(self):
        self.processes: list[subprocess.Popen] = []
        self._scale_demo_ready = False

    def __enter__(self):
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        return self

    def __exit__(self, *exc):
        for proc in self.processes:
            proc.terminate()
        for proc in self.processes:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()

    def ensure_scale_demo(self, students: int = 10000) -> None:
        """The large demo center (`seed_demo --students N`), built once per run."""
        if not self._scale_demo_ready:
            from django.core.management import call_command

            call_command("seed_demo", students=students, verbosity=0)
            self._scale_demo_ready = True

    def start_daphne(self, extra_env: dict | None = None) -> str:
        port = free_port()
        argv = [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "core.asgi:application"]
        return self._start(argv, port, extra_env)

    def start_web(self, extra_env: dict | None = None, *, workers: int | None = None) -> str:
        """HTTP as production serves it: gunicorn, one worker per core, threads sized to the pool
        (core/gunicorn_conf.py)."""
        port = free_port()
        env = {"HOST": "127.0.0.1", "PORT": str(port), **(extra_env or {})}
        if workers:
            env["WEB_CONCURRENCY"] = str(workers)
        argv = [sys.executable, "-m", "gunicorn", "-c", "python:core.gunicorn_conf", "core.wsgi:application"]
        return self._start(argv, port, env)

    def stop(self, address: str) -> None:
        """Stops the server this context started on `address` (to free its connections early)."""
        port = int(address.rsplit(":", 1)[1])
        for proc in [p for p in self.processes if getattr(p, "bench_port", None) == port]:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
            self.processes.remove(proc)

    def pid_of(self, address: str) -> int:
        port = int(address.rsplit(":", 1)[1])
        return next(p.pid for p in self.processes if getattr(p, "bench_port", None) == port)

    def _start(self, argv: list[str], port: int, extra_env: dict | None) -> str:
        # PGAPPNAME: libpq names the process's Postgres connections, so a benchmark can count them
        env = {**os.environ, "Q_SYNC": "false", "PGAPPNAME": app_name(port), **(extra_env or {})}
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        proc.bench_port = port
        self.processes.append(proc)
        wait_for_port(port)
        return f"127.0.0.1:{port}"


def app_name(port: int) -> str:
    """The application_name of the connections of the server this context started on `port`."""
    return f"markaz-bench-{port}"


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listening on {port} after {timeout}s")

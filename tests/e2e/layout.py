"""The production process layout for end-to-end tests: HTTP on gunicorn's WSGI workers
(core/gunicorn_conf.py), WebSocket on daphne (tests.e2e.harness.Daphne), the task worker beside them;
events cross from a gunicorn worker to daphne's sockets through Redis."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import httpx

from tests.e2e.harness import LiveProcess, free_port


class Gunicorn(LiveProcess):
    """`gunicorn -c python:core.gunicorn_conf core.wsgi:application` on a free port: `.url`,
    `.worker_pids()`. Small by default (2 workers × 2 threads): the test database's connections are
    shared with every other process of the run."""

    def __init__(self, env: dict[str, str], log_dir: Path, *, workers: int = 2, threads: int = 2):
        self.port = free_port()
        self.workers = workers
        env = {
            **env,
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "WEB_CONCURRENCY": str(workers),
            "WEB_THREADS": str(threads),
            "DB_POOL_MAX": str(threads),
        }
        argv = [sys.executable, "-m", "gunicorn", "-c", "python:core.gunicorn_conf", "core.wsgi:application"]
        super().__init__("gunicorn", argv, env, log_dir)
        self.url = f"http://127.0.0.1:{self.port}"
        self.wait_ready(self._all_workers_up, "gunicorn workers")

    def worker_pids(self) -> list[int]:
        """The master's children (its workers), read from /proc."""
        pids = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    stat = Path(f"/proc/{entry}/stat").read_text()
                except OSError:
                    continue
                # the field after the parenthesised command name: state, then the parent's pid
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.pid:
                    pids.append(int(entry))
        return pids

    def _all_workers_up(self) -> bool:
        self.check_alive()
        if len(self.worker_pids()) < self.workers:
            return False
        try:
            return httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

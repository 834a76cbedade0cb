"""Which process layout serves HTTP best, measured side by side in one run on the scale demo at 16
closed-loop clients: one daphne (the layout before), gunicorn with 1 and N gthread workers (the
production layout: core/gunicorn_conf.py), and N uvicorn ASGI workers (the ASGI alternative; skipped
when uvicorn is not installed). `/healthz` touches no database: it isolates the per-request cost of
the server and Django's handler (ASGI: a thread hop per request and several sync/async crossings).

Besides req/s and latency (which on a shared, loaded machine mostly measure the neighbours), each
row gives the servers' own CPU per request (utime + stime of the server's processes, from /proc) and
the capacity that implies on idle cores: one daphne runs Django's sync views on one thread, so it
can use one core at most; N workers can use N."""

from __future__ import annotations

import importlib.util
import os
import sys

from core.auth import issue_access_token
from tests.benchmarks import Result
from tests.benchmarks.context import free_port
from tests.benchmarks.http_load import (
    CLIENTS,
    REQUESTS,
    cpu_seconds,
    load,
    process_tree,
    production_env,
    targets,
)

CORES = os.cpu_count() or 2
WORKERS = CORES
THREADS = 8
# req/s at 16-20 clients when the serving work began (one daphne, the 2,000-student demo, this
# machine): the throughput target is three times each on the production layout
BASELINE = {"/lessons": 24, "/leaderboard": 47, "/auth/me": 57, "/payments": 17}
GAIN = 3


def _layouts(ctx):
    """(name, processes that can run Python at once, start)."""
    env = production_env(WEB_THREADS=str(THREADS), DB_POOL_MAX=str(THREADS), WEB_CONCURRENCY=str(WORKERS))
    yield "daphne, 1 process", 1, lambda: ctx.start_daphne(env)
    yield "gunicorn gthread, 1 worker", 1, lambda: ctx.start_web(env, workers=1)
    yield f"gunicorn gthread, {WORKERS} workers", WORKERS, lambda: ctx.start_web(env, workers=WORKERS)
    if importlib.util.find_spec("uvicorn") is not None:
        port = free_port()
        argv = [sys.executable, "-m", "uvicorn", "core.asgi:application", "--host", "127.0.0.1"]
        argv += ["--port", str(port), "--workers", str(WORKERS), "--no-access-log", "--log-level", "warning"]
        yield f"uvicorn ASGI, {WORKERS} workers", WORKERS, lambda: ctx._start(argv, port, env)


def _short(name: str) -> str | None:
    return next((key for key in BASELINE if key in name), None)


def _measure(ctx, address: str, parallel: int, path: str, token: str) -> tuple[object, float, float]:
    base = "http://" + address
    load(base, path, token, requests=CLIENTS * 2)  # every worker booted, imported and warm
    pids = process_tree(ctx.pid_of(address))
    before = cpu_seconds(pids)
    result = load(base, path, token)
    cpu_ms = (cpu_seconds(pids) - before) * 1000 / (REQUESTS + CLIENTS)
    capacity = min(parallel, CORES) * 1000 / max(cpu_ms, 0.01)
    return result, cpu_ms, capacity


def run(ctx) -> list[Result]:
    ctx.ensure_scale_demo(students=2000)  # the issue's figures are on the 2,000-student demo
    paths = [("GET /healthz (no database)", "/healthz", "-")]
    paths += [(t.name, t.path, issue_access_token(t.user)) for t in targets()]
    capacity: dict[str, dict[str, float]] = {}
    rps: dict[str, dict[str, float]] = {}
    rows: list[Result] = []
    for layout, parallel, start in _layouts(ctx):
        address = start()
        capacity[layout], rps[layout] = {}, {}
        for name, path, token in paths:
            result, cpu_ms, cap = _measure(ctx, address, parallel, path, token)
            capacity[layout][name], rps[layout][name] = cap, result.rps
            rows.append(
                Result(
                    f"{layout}: {name}, {CLIENTS} clients",
                    f"{result.figure()}; server CPU {cpu_ms:.2f} ms/req -> {cap:.0f} req/s on {CORES} idle cores",
                    "0 errors",
                    not result.errors,
                )
            )
        ctx.stop(address)
    rows.extend(_comparisons(capacity, rps, [name for name, _, _ in paths]))
    return rows


def _comparisons(capacity: dict, rps: dict, names: list[str]) -> list[Result]:
    """The production layout against one daphne today (what the layout alone adds: at most the
    cores, plus the ASGI hop it saves), and its req/s against the baseline (the target)."""
    before, after = next(iter(capacity)), f"gunicorn gthread, {WORKERS} workers"
    rows = []
    for name in names:
        gain = capacity[after][name] / max(capacity[before][name], 0.01)
        measured = rps[after][name] / max(rps[before][name], 0.01)
        rows.append(
            Result(
                f"{name}: {after} vs {before}",
                f"capacity x{gain:.1f} (CPU per request), measured req/s x{measured:.1f} (loaded machine)",
                "reported",
                None,
            )
        )
        if key := _short(name):
            served = rps[after][name]
            rows.append(
                Result(
                    f"{name}: {after}, req/s at {CLIENTS} clients vs the baseline",
                    f"{served:.0f} req/s vs {BASELINE[key]} (x{served / BASELINE[key]:.1f})",
                    f">= {GAIN}x",
                    served >= GAIN * BASELINE[key],
                )
            )
    return rows

"""Benchmarks: `make bench`. Each bench_<area>.py exposes `run(ctx) -> list[Result]`; run.py collects
every module's results into one table (operation, figure, target, pass/miss)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Result:
    operation: str
    figure: str  # what was measured, with its unit, e.g. "p50 12.3 ms"
    target: str  # e.g. "< 30 ms"
    passed: bool | None  # None: reported without a target


def timed(fn: Callable[[], object], repeat: int = 1) -> list[float]:
    """Wall times in milliseconds of `repeat` calls."""
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def p50(values: list[float]) -> float:
    return statistics.median(values)


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]

"""`make bench`: runs every tests/benchmarks/bench_*.py against the database in DATABASE_URL (Postgres
recommended) and prints one table. `BENCH_ARGS="--only lessons"` runs a subset."""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
import traceback


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")
    os.environ.setdefault("Q_SYNC", "true")
    import django

    django.setup()
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)
    from tests.benchmarks import Result
    from tests.benchmarks.context import BenchContext

    parser = argparse.ArgumentParser()
    parser.add_argument("--only", action="append", default=[], help="run only bench_<name>")
    args = parser.parse_args()
    import tests.benchmarks as pkg

    names = sorted(m.name for m in pkgutil.iter_modules(pkg.__path__) if m.name.startswith("bench_"))
    if args.only:
        names = [n for n in names if n.removeprefix("bench_") in args.only]
    rows: list[Result] = []
    with BenchContext() as ctx:
        for name in names:
            print(f"running {name} ...", file=sys.stderr, flush=True)
            try:
                rows.extend(importlib.import_module(f"tests.benchmarks.{name}").run(ctx))
            except Exception:
                traceback.print_exc()
                rows.append(Result(f"{name} (crashed)", "error", "-", False))
    print_table(rows)
    return 0 if all(r.passed is not False for r in rows) else 1


def print_table(rows) -> None:
    headers = ("operation", "figure", "target", "result")
    data = [
        (r.operation, r.figure, r.target, {True: "pass", False: "MISS", None: "-"}[r.passed]) for r in rows
    ]
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *data, strict=False)]
    line = "| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=False)) + " |"
    print(line)
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in data:
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=False)) + " |")


if __name__ == "__main__":
    sys.exit(main())

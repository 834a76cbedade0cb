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
    from tests.benchmarks import Result, report
    from tests.benchmarks.context import BenchContext

    parser = argparse.ArgumentParser()
    parser.add_argument("--only", action="append", default=[], help="run only bench_<name>")
    parser.add_argument("--no-write", action="store_true", help="print the table without updating docs/")
    args = parser.parse_args()
    import tests.benchmarks as pkg

    names = sorted(m.name for m in pkgutil.iter_modules(pkg.__path__) if m.name.startswith("bench_"))
    if args.only:
        names = [n for n in names if n.removeprefix("bench_") in args.only]
    by_bench: dict[str, list[Result]] = {}
    with BenchContext() as ctx:
        # as every serving process does once loaded (gunicorn's post_worker_init, core/asgi.py): the
        # in-process figures would otherwise carry full collections over the ~330,000 startup objects
        # that no production request pays (4-5 ms of a 30-student attendance PUT, profiled)
        from django.test import override_settings

        from core.gc_pause import freeze_startup_heap

        freeze_startup_heap()
        # and with DEBUG off, as servers run: DEBUG's query log added 0.2-0.4 ms to an API coin award
        # (the query counts are taken with CaptureQueriesContext, which logs whatever DEBUG says)
        with override_settings(DEBUG=False):
            for name in names:
                _vacuum_churned_tables()
                print(f"running {name} ...", file=sys.stderr, flush=True)
                try:
                    by_bench[name] = list(importlib.import_module(f"tests.benchmarks.{name}").run(ctx))
                except Exception:
                    traceback.print_exc()
                    by_bench[name] = [Result(f"{name} (crashed)", "error", "-", False)]
    rows = [row for bench_rows in by_bench.values() for row in bench_rows]
    print(report.table(rows))
    if not args.no_write:
        from django.db import connection

        report.write(
            {n.removeprefix("bench_"): r for n, r in by_bench.items()},
            where=connection.vendor,
            readme=report.README,
        )
        print(f"written to {report.DOC.relative_to(report.DOC.parents[1])}", file=sys.stderr)
    return 0 if all(r.passed is not False for r in rows) else 1


def _vacuum_churned_tables(dead_rows: int = 10_000) -> None:
    """VACUUM ANALYZE the tables earlier benchmarks (or runs) churned, as autovacuum would on a
    production server: without it (some servers run with it off, as this machine's does) the dead
    rows pile up over runs, and every later benchmark reads them (30,000 invoices in 288 MB after a
    day of runs, and a teardown's per-user foreign-key checks took minutes)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname FROM pg_stat_user_tables WHERE n_dead_tup > %s", [dead_rows])
        tables = [row[0] for row in cursor.fetchall()]
        for table in tables:
            cursor.execute(f'VACUUM (ANALYZE) "{table}"')
    if tables:
        print(f"vacuumed {len(tables)} churned tables", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())

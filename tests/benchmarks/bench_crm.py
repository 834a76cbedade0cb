"""Front office: the funnel report over 10,000 leads (stages, conversion, per source and assignee,
median days, lost reasons) and its queries, and one page of the leads list. Everything runs inside
one transaction that is rolled back, so the database is left as it was."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tests.benchmarks import Result, p50, timed

LEADS = 10_000
SOURCES = ["walk_in", "phone_call", "instagram", "telegram", "website", "referral", "other"]
STATUSES = ["new", "contacted", "trial_scheduled", "trial_attended", "won", "lost"]
REASONS = ["too expensive", "schedule does not fit", "chose another center", "moved away"]


class _Rollback(Exception):
    pass


def build_leads(n: int = LEADS, *, phone_block: str = "99") -> list:
    """n leads spread over sources, statuses and 10 assignees (created now: auto_now_add), a third
    with a trial, the won ones converting after 1 to 20 days."""
    from django.utils import timezone

    from modules.accounts.models import User
    from modules.crm.models import Lead

    staff = User.objects.bulk_create(
        User(
            phone=f"+998{phone_block}77{i:05d}",
            first_name=f"Desk{i}",
            last_name="Bench",
            role="admin",
            password="!",
        )
        for i in range(10)
    )
    now = timezone.now()
    leads = []
    for i in range(n):
        status = STATUSES[i % len(STATUSES)]
        created = now
        leads.append(
            Lead(
                first_name=f"Lead{i}",
                phone=f"+998{phone_block}{i:07d}",
                source=SOURCES[i % len(SOURCES)],
                status=status,
                assignee=staff[i % 10] if i % 4 else None,
                lost_reason=REASONS[i % len(REASONS)] if status == "lost" else "",
                trial_booked_at=created + timedelta(days=1) if i % 3 == 0 else None,
                won_at=created + timedelta(days=1 + i % 20) if status == "won" else None,
            )
        )
    Lead.objects.bulk_create(leads, batch_size=2000)
    return staff


def _queries(ctx) -> int:
    return sum(1 for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"])


def _bench_funnel(results: list[Result]) -> None:
    from modules.crm.reports import funnel

    build_leads()
    report = funnel()
    assert report["total"] >= LEADS
    with CaptureQueriesContext(connection) as ctx:
        funnel()
    times = timed(lambda: funnel(), repeat=15)
    results.append(
        Result(
            "crm: funnel report over 10,000 leads, queries", str(_queries(ctx)), "<= 4", _queries(ctx) <= 4
        )
    )
    results.append(
        Result(
            "crm: funnel report over 10,000 leads", f"p50 {p50(times):.1f} ms", "< 200 ms", p50(times) < 200
        )
    )


def _bench_list(results: list[Result]) -> None:
    from modules.crm.selectors import lead_list

    times = timed(lambda: list(lead_list(None, status="contacted")[:100]), repeat=15)
    results.append(
        Result(
            "crm: leads list, a page of 100 (filtered)",
            f"p50 {p50(times):.1f} ms",
            "< 50 ms",
            p50(times) < 50,
        )
    )


def run(ctx) -> list[Result]:
    results: list[Result] = []
    try:
        with transaction.atomic():
            _bench_funnel(results)
            _bench_list(results)
            raise _Rollback
    except _Rollback:
        pass
    return results

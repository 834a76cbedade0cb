"""Leaderboards: one SQL statement ranks every member of every group (RANK() over the ledger, so ties
share a rank) for several periods at once; the result is stored as a snapshot that the API serves.
A group's snapshot (one row per period) is rewritten only when its entries changed, and `leaderboard.updated` is sent only
when its ranking (who holds which rank) changed."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from core.gc_pause import gc_paused
from core.renderers import dumps
from core.tasks import enqueue
from modules.accounts.models import User
from modules.courses.models import Membership
from modules.gamification import events
from modules.gamification.models import CoinTransaction, LeaderboardSnapshot
from modules.gamification.periods import PERIODS, period_start, period_start_date

DEBOUNCE_SECONDS = 10
TASK = "modules.gamification.tasks.update_leaderboards"
_ADVISORY_LOCK = 8_020_001  # serialises snapshot rewrites on Postgres


@dataclass
class RankRow:
    group_id: int
    student_id: int
    first_name: str
    last_name: str
    coins: list[int]
    ranks: list[int]


def _bound(value: datetime):
    return connection.ops.adapt_datetimefield_value(value)


def rankings(
    *, windows: list[tuple[datetime | None, datetime | None]], group_ids: Iterable[int] | None = None
) -> list[RankRow]:
    """Every current member (not left) of the groups, with their coins earned in that group in each
    [start, end) window and their RANK() within the group, members without coins included (0)."""
    sums, params = [], []
    for i, (start, end) in enumerate(windows):
        conds = []
        for op, value in ((">=", start), ("<", end)):
            if value is not None:
                conds.append(f"t.created_at {op} %s")
                params.append(_bound(value))
        expr = f"SUM(t.amount) FILTER (WHERE {' AND '.join(conds)})" if conds else "SUM(t.amount)"
        sums.append(f"{expr} AS c{i}")
    tx_filter = member_filter = ""
    group_params: list[int] = []
    if group_ids is not None:
        group_params = list(group_ids)
        if not group_params:
            return []
        marks = ", ".join(["%s"] * len(group_params))
        tx_filter, member_filter = f"AND t.group_id IN ({marks})", f"AND m.group_id IN ({marks})"
    coins = [f"CAST(COALESCE(s.c{i}, 0) AS BIGINT)" for i in range(len(windows))]
    ranks = [f"RANK() OVER (PARTITION BY m.group_id ORDER BY {c} DESC)" for c in coins]
    sql = f"""
        WITH sums AS (
            SELECT t.group_id, t.student_id, {", ".join(sums)}
            FROM {CoinTransaction._meta.db_table} t
            WHERE t.group_id IS NOT NULL {tx_filter}
            GROUP BY t.group_id, t.student_id
        )
        SELECT m.group_id, m.student_id, u.first_name, u.last_name, {", ".join(coins + ranks)}
        FROM {Membership._meta.db_table} m
        JOIN {User._meta.db_table} u ON u.id = m.student_id
        LEFT JOIN sums s ON s.group_id = m.group_id AND s.student_id = m.student_id
        WHERE m.status <> %s {member_filter}
    """
    all_params = params + group_params + [Membership.Status.LEFT] + group_params
    n = len(windows)
    with connection.cursor() as cur:
        cur.execute(sql, all_params)
        return [
            RankRow(r[0], r[1], r[2], r[3], list(r[4 : 4 + n]), list(r[4 + n : 4 + 2 * n]))
            for r in cur.fetchall()
        ]


def _signature(parts: Iterable) -> str:
    return hashlib.sha256(repr(list(parts)).encode()).hexdigest()


def _entries(members: list[RankRow], i: int) -> list[dict]:
    ordered = sorted(members, key=lambda r: (r.ranks[i], r.last_name, r.first_name, r.student_id))
    return [
        {
            "rank": r.ranks[i],
            "student": {"id": r.student_id, "first_name": r.first_name, "last_name": r.last_name},
            "coins": r.coins[i],
        }
        for r in ordered
    ]


@transaction.atomic
def leaderboards_refresh(*, group_ids: Iterable[int] | None = None, now: datetime | None = None) -> int:
    """Recompute the snapshots of the groups (all when None) for week, month and all time. Returns how
    many (group, period) rankings changed, each announced with `leaderboard.updated`."""
    with gc_paused():  # a full refresh holds 20,000 rows, 60,000 entries and 3,000 events at once
        return _refresh(group_ids, now or timezone.now())


def _refresh(group_ids: Iterable[int] | None, now: datetime) -> int:
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK])
            # JIT compilation costs more than it saves on this short aggregate
            cur.execute("SET LOCAL jit = off")
    group_ids = None if group_ids is None else list(group_ids)
    rows = rankings(windows=[(period_start(p, now), None) for p in PERIODS], group_ids=group_ids)
    by_group: dict[int, list[RankRow]] = defaultdict(list)
    for row in rows:
        by_group[row.group_id].append(row)
    known_qs = LeaderboardSnapshot.objects.all()
    if group_ids is not None:
        known_qs = known_qs.filter(group_id__in=group_ids)
    known = {
        (g, p): (sig, rank_sig)
        for g, p, sig, rank_sig in known_qs.values_list("group_id", "period", "signature", "rank_signature")
    }
    starts = {period: period_start_date(period, now) for period in PERIODS}
    changed_snapshots, announcements = [], []
    for group_id in set(by_group) | {g for g, _ in known}:
        for i, period in enumerate(PERIODS):
            start = starts[period]
            entries = _entries(by_group.get(group_id, []), i)
            text = dumps(entries).decode()  # orjson: the stdlib encoder was 0.2 s of a full refresh
            signature = _signature([start, text])
            state = known.get((group_id, period))
            if state is not None and state[0] == signature:
                continue
            rank_signature = _signature([start, *sorted((e["student"]["id"], e["rank"]) for e in entries)])
            changed_snapshots.append((group_id, period, start, text, signature, rank_signature, now))
            if state is None or state[1] != rank_signature:
                announcements.append(
                    {"group_id": group_id, "period": period, "period_start": start, "items": entries}
                )
    _upsert(changed_snapshots)
    events.leaderboards_updated(announcements)
    return len(announcements)


def _upsert(snapshots: list[tuple], batch: int = 500) -> None:
    """INSERT ... ON CONFLICT DO UPDATE with plain VALUES: bulk_create's UNNEST arrays went through
    psycopg's client-side array quoting, which took seconds for a full refresh."""
    table = LeaderboardSnapshot._meta.db_table
    cols = ["group_id", "period", "period_start", "entries", "signature", "rank_signature", "refreshed_at"]
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in cols[2:])
    ops = connection.ops
    with connection.cursor() as cur:
        for i in range(0, len(snapshots), batch):
            chunk = snapshots[i : i + batch]
            values = ", ".join(["(" + ", ".join(["%s"] * len(cols)) + ")"] * len(chunk))
            params = [
                v
                for group_id, period, start, text, signature, rank_signature, at in chunk
                for v in (
                    group_id,
                    period,
                    ops.adapt_datefield_value(start),
                    text,
                    signature,
                    rank_signature,
                    ops.adapt_datetimefield_value(at),
                )
            ]
            cur.execute(
                f"INSERT INTO {table} ({', '.join(cols)}) VALUES {values} "
                f"ON CONFLICT (group_id, period) DO UPDATE SET {updates}",
                params,
            )


def leaderboard_touch(group_id: int) -> None:
    """A group's coins (or members) changed: refresh its leaderboard right after commit, then at most
    once more per DEBOUNCE_SECONDS window (cache keys): changes inside the window are picked up by one
    trailing run scheduled for the window's end. The periodic refresh is the safety net."""
    if cache.add(f"gamification:leaderboard-lead:{group_id}", 1, timeout=DEBOUNCE_SECONDS):
        enqueue(TASK, [group_id])
    elif cache.add(f"gamification:leaderboard-trail:{group_id}", 1, timeout=DEBOUNCE_SECONDS):
        transaction.on_commit(lambda: _schedule_trailing(group_id))


def _schedule_trailing(group_id: int) -> None:
    from django_q.models import Schedule
    from django_q.tasks import schedule

    schedule(
        TASK,
        [group_id],
        schedule_type=Schedule.ONCE,
        repeats=1,
        next_run=timezone.now() + timedelta(seconds=DEBOUNCE_SECONDS),
    )

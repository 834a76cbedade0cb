"""Leaderboards: one SQL statement ranks every member of every group (RANK() over the ledger, so ties
share a rank) for several periods at once; the result is stored as a snapshot that the API serves.
A group's snapshot is rewritten only when its entries changed, and `leaderboard.updated` is sent only
when its ranking (who holds which rank) changed."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from core.tasks import enqueue
from modules.accounts.models import User
from modules.courses.models import Membership
from modules.gamification import events
from modules.gamification.models import CoinTransaction, LeaderboardEntry, LeaderboardState
from modules.gamification.periods import PERIODS, period_start, period_start_date

DEBOUNCE_SECONDS = 10
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


def _entry_json(row: RankRow, i: int) -> dict:
    student = {"id": row.student_id, "first_name": row.first_name, "last_name": row.last_name}
    return {"rank": row.ranks[i], "student": student, "coins": row.coins[i]}


@transaction.atomic
def leaderboards_refresh(*, group_ids: Iterable[int] | None = None, now: datetime | None = None) -> int:
    """Recompute the snapshot of the groups (all when None) for week, month and all time. Returns how
    many (group, period) rankings changed, each announced with `leaderboard.updated`."""
    now = now or timezone.now()
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK])
    group_ids = None if group_ids is None else list(group_ids)
    rows = rankings(windows=[(period_start(p, now), None) for p in PERIODS], group_ids=group_ids)
    by_group: dict[int, list[RankRow]] = defaultdict(list)
    for row in rows:
        by_group[row.group_id].append(row)
    states = (
        LeaderboardState.objects.all()
        if group_ids is None
        else LeaderboardState.objects.filter(group_id__in=group_ids)
    )
    known = {(s.group_id, s.period): s for s in states}
    targets = set(by_group) | {g for g, _ in known}
    rewrite, new_states, changed = defaultdict(list), [], 0
    for group_id in targets:
        members = by_group.get(group_id, [])
        for i, period in enumerate(PERIODS):
            start = period_start_date(period, now)
            ordered = sorted(
                members, key=lambda r, i=i: (r.ranks[i], r.last_name, r.first_name, r.student_id)
            )
            signature = _signature([start, *((r.student_id, r.ranks[i], r.coins[i]) for r in ordered)])
            state = known.get((group_id, period))
            if state is not None and state.signature == signature:
                continue
            rank_signature = _signature([start, *sorted((r.student_id, r.ranks[i]) for r in ordered)])
            rewrite[period].append(group_id)
            new_states.append(
                LeaderboardState(
                    group_id=group_id,
                    period=period,
                    period_start=start,
                    signature=signature,
                    rank_signature=rank_signature,
                    refreshed_at=now,
                )
            )
            if state is None or state.rank_signature != rank_signature:
                changed += 1
                events.leaderboard_updated(
                    group_id=group_id,
                    period=period,
                    period_start=start,
                    items=[_entry_json(r, i) for r in ordered[: events.LEADERBOARD_TOP]],
                )
    _write(rewrite, by_group, new_states, now)
    return changed


def _write(rewrite: dict[str, list[int]], by_group: dict[int, list[RankRow]], new_states, now) -> None:
    entries = []
    for i, period in enumerate(PERIODS):
        ids = rewrite.get(period)
        if not ids:
            continue
        LeaderboardEntry.objects.filter(period=period, group_id__in=ids)._raw_delete(connection.alias)
        start = period_start_date(period, now)
        entries.extend(
            LeaderboardEntry(
                group_id=g,
                period=period,
                period_start=start,
                rank=r.ranks[i],
                student_id=r.student_id,
                coins=r.coins[i],
            )
            for g in ids
            for r in by_group.get(g, [])
        )
    LeaderboardEntry.objects.bulk_create(entries, batch_size=5000)
    LeaderboardState.objects.bulk_create(
        new_states,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["group", "period"],
        update_fields=["period_start", "signature", "rank_signature", "refreshed_at"],
    )


def leaderboard_touch(group_id: int) -> None:
    """A group's coins changed: refresh its leaderboard soon after commit, at most once per
    DEBOUNCE_SECONDS per group (the cache key); the periodic refresh catches changes made in between."""
    if cache.add(f"gamification:leaderboard-touch:{group_id}", 1, timeout=DEBOUNCE_SECONDS):
        enqueue("modules.gamification.tasks.update_leaderboards", [group_id])

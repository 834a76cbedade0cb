"""The scale demo's coins: the attendance coins (present 10, late 5) written straight from the
attendance rows, balances equal to their ledger, and every scale group's leaderboard ranked.
Idempotent: the ledger rows carry `scale:attendance:<record id>` keys."""

from __future__ import annotations

from django.db.models import Sum

from core.bulk import bulk, copy_rows
from modules.attendance.models import AttendanceRecord
from modules.courses.seed_scale import SCALE_PREFIX, scale_groups
from modules.gamification.models import CoinTransaction, StudentCoin

KEY_PREFIX = "scale:"
COLUMNS = [
    "student",
    "group",
    "amount",
    "reason",
    "source_type",
    "source_id",
    "idempotency_key",
    "note",
    "created_at",
]


def seed_scale(stdout, *, students: int) -> None:
    groups = scale_groups()
    if not groups or CoinTransaction.objects.filter(idempotency_key__startswith=KEY_PREFIX).exists():
        return
    records = AttendanceRecord.objects.filter(
        lesson__group__name__startswith=SCALE_PREFIX, status__in=["present", "late"]
    ).values_list("pk", "student_id", "lesson__group_id", "status", "marked_at")
    rows = (
        (
            sid,
            gid,
            10 if status == "present" else 5,
            "attendance",
            "attendance",
            pk,
            f"{KEY_PREFIX}attendance:{pk}",
            "",
            at,
        )
        for pk, sid, gid, status, at in list(records)  # read whole: COPY needs the connection
    )
    stdout.write(f"  {copy_rows(CoinTransaction, COLUMNS, rows)} coin transactions")
    _balances()
    from modules.gamification.tasks import update_leaderboards

    update_leaderboards([g.pk for g in groups])
    stdout.write("  leaderboards ranked")


def _balances() -> None:
    sums = (
        CoinTransaction.objects.filter(idempotency_key__startswith=KEY_PREFIX)
        .values("student_id")
        .annotate(total=Sum("amount"))
    )
    bulk(
        StudentCoin,
        [StudentCoin(student_id=row["student_id"], balance=row["total"]) for row in sums],
        update_conflicts=True,
        unique_fields=["student"],
        update_fields=["balance"],
    )

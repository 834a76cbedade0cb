"""Payroll: one run over the 10,000-student demo term (500 groups), every teacher paid per lesson,
per present student and a revenue share. Runs inside a transaction that is rolled back, so the
database is left as it was."""

from __future__ import annotations

import time
from datetime import date

from django.db import transaction
from django.db.models import Max

from tests.benchmarks import Result

TARGET_S = 5.0


class _Rollback(Exception):
    pass


def _busiest_month() -> date | None:
    """The latest month whose lessons are all in the past (a month that was fully taught)."""
    from modules.courses.seed_scale import SCALE_PREFIX
    from modules.lessons.models import Lesson

    last = Lesson.objects.filter(group__name__startswith=SCALE_PREFIX, status="completed").aggregate(
        last=Max("starts_at")
    )["last"]
    if last is None:
        return None
    month = last.date().replace(day=1)
    # the month of the last completed lesson is usually partly taught: take the one before it
    return (
        month.replace(year=month.year - 1, month=12)
        if month.month == 1
        else month.replace(month=month.month - 1)
    )


def _rates_for_every_teacher(first_day: date) -> int:
    from modules.courses.models import Group
    from modules.courses.seed_scale import SCALE_PREFIX
    from modules.payroll.models import PayRate

    teachers = set(Group.objects.filter(name__startswith=SCALE_PREFIX).values_list("teacher_id", flat=True))
    rates = []
    for tid in teachers:
        rates += [
            PayRate(teacher_id=tid, kind="per_lesson", amount=8_000_000, active_from=first_day),
            PayRate(teacher_id=tid, kind="per_present_student", amount=500_000, active_from=first_day),
            PayRate(teacher_id=tid, kind="revenue_percent", amount=1_000, active_from=first_day),
        ]
    PayRate.objects.bulk_create(rates)
    return len(teachers)


def run(ctx) -> list[Result]:
    from modules.payroll import services
    from modules.payroll.models import PayrollLine

    ctx.ensure_scale_demo(10_000)
    month = _busiest_month()
    if month is None:
        return [
            Result("Payroll run over the demo term", "no completed lessons", f"< {TARGET_S:.0f} s", False)
        ]
    figure = ""
    elapsed = 0.0
    try:
        with transaction.atomic():
            teachers = _rates_for_every_teacher(date(2000, 1, 1))
            start = time.perf_counter()
            run_, _ = services.run_create(period=month, actor=None)
            elapsed = time.perf_counter() - start
            lines = PayrollLine.objects.filter(statement__run=run_).count()
            lessons = PayrollLine.objects.filter(statement__run=run_, kind="per_lesson").count()
            figure = (
                f"{elapsed:.2f} s for {month:%Y-%m}: {teachers} teachers, {lessons} lessons, {lines} lines"
            )
            raise _Rollback
    except _Rollback:
        pass
    return [
        Result(
            "Payroll run over the 10,000-student demo term (500 groups)", figure, "< 5 s", elapsed < TARGET_S
        )
    ]

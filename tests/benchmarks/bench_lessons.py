"""Lessons: generate a 26-week term for 500 groups with 3 lessons a week (39,000 lessons), rerun it
(creating nothing), and list 100 lessons with group, course, teacher and room through the whole HTTP
stack. Everything runs inside one transaction that is rolled back, so the database is left as it was;
the term lies in 2031 so real data of the center (and its holidays) stays out of the way."""

from __future__ import annotations

import time
from datetime import date, timedelta
from datetime import time as clock

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tests.benchmarks import Result, p50, timed

GROUPS = 500
WEEKS = 26
TERM_START = date(2031, 1, 6)  # a Monday
LIST_REPEAT = 30


class _Rollback(Exception):
    pass


def _build():
    """500 groups, each with its own teacher and room, and a Mon/Wed/Fri 09:00 slot."""
    from modules.accounts.models import User
    from modules.courses.models import Branch, Course, Group, LessonSchedule, Room

    end = TERM_START + timedelta(weeks=WEEKS) - timedelta(days=1)
    branch = Branch.objects.create(name="Bench lessons branch")
    course = Course.objects.create(name="Bench lessons course", monthly_price=1)
    teachers = User.objects.bulk_create(
        User(
            phone=f"+99896{i:07d}", first_name=f"Teacher{i}", last_name="Bench", role="teacher", password="!"
        )
        for i in range(GROUPS)
    )
    rooms = Room.objects.bulk_create(Room(branch=branch, name=f"Bench room {i}") for i in range(GROUPS))
    groups = Group.objects.bulk_create(
        Group(
            branch=branch,
            course=course,
            teacher=teachers[i],
            room=rooms[i],
            name=f"Bench group {i}",
            start_date=TERM_START,
            end_date=end,
            monthly_price=1,
            status="active",
        )
        for i in range(GROUPS)
    )
    LessonSchedule.objects.bulk_create(
        LessonSchedule(
            group=g,
            weekday=wd,
            start_time=clock(9, 0),
            duration_minutes=90,
            valid_from=TERM_START,
            valid_to=end,
        )
        for g in groups
        for wd in (0, 2, 4)
    )
    return groups, end


def _list_figures(results: list[Result]) -> None:
    from django.test import Client

    from core.auth import issue_access_token
    from tests.factories.accounts import AdminFactory

    admin = AdminFactory(phone="+998969999999", email=None)
    client = Client()
    headers = {"Authorization": f"Bearer {issue_access_token(admin)}"}
    week = {
        "limit": 100,
        "date_from": TERM_START.isoformat(),
        "date_to": (TERM_START + timedelta(days=6)).isoformat(),
    }
    term = {"limit": 100, "date_from": TERM_START.isoformat()}

    def fetch(params):
        res = client.get("/api/v1/lessons", params, headers=headers)
        assert res.status_code == 200 and len(res.json()["items"]) == 100, res.content[:200]

    fetch(week)  # warm-up
    with CaptureQueriesContext(connection) as ctx:
        fetch(week)
    queries = sum(1 for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"])
    results.append(
        Result("lessons: list 100 (group, course, teacher, room)", f"{queries} queries", "≤ 5", queries <= 5)
    )
    # a calendar week of the whole center (1,500 lessons; the page is 100 of them)
    took = p50(timed(lambda: fetch(week), LIST_REPEAT))
    results.append(
        Result("lessons: list 100 of a week's 1,500, p50", f"p50 {took:.1f} ms", "< 30 ms", took < 30)
    )
    # CPU time of this process alone: what the request costs here when the machine is shared
    cpu = []
    for _ in range(LIST_REPEAT):
        start = time.process_time()
        fetch(week)
        cpu.append((time.process_time() - start) * 1000)
    results.append(Result("lessons: list 100 of a week, app CPU p50", f"p50 {p50(cpu):.1f} ms", "-", None))
    # the same page when the filter matches the whole term: the total count dominates
    took = p50(timed(lambda: fetch(term), LIST_REPEAT))
    results.append(Result("lessons: list 100 of the term's 39,000, p50", f"p50 {took:.1f} ms", "-", None))


def run(ctx) -> list[Result]:
    from modules.lessons.services.generation import lessons_generate

    results: list[Result] = []
    try:
        with transaction.atomic():
            groups, end = _build()
            outcome = {}

            def generate(key):
                cpu = time.process_time()
                outcome[key] = lessons_generate(groups=groups, date_from=TERM_START, date_to=end)
                outcome[key + "_cpu"] = time.process_time() - cpu  # this process only, not Postgres

            first_ms = timed(lambda: generate("first"))[0]
            created = outcome["first"].created
            results.append(
                Result(
                    f"lessons: generate 26 weeks x 500 groups ({created} lessons)",
                    f"{first_ms / 1000:.2f} s (app CPU {outcome['first_cpu']:.2f} s)",
                    "< 5 s, 39,000 created",
                    first_ms < 5000 and created == GROUPS * WEEKS * 3,
                )
            )
            rerun_ms = timed(lambda: generate("rerun"))[0]
            recreated = outcome["rerun"].created
            results.append(
                Result(
                    f"lessons: regenerate the same term ({recreated} created)",
                    f"{rerun_ms / 1000:.2f} s (app CPU {outcome['rerun_cpu']:.2f} s)",
                    "< 3 s, 0 created",
                    rerun_ms < 3000 and recreated == 0,
                )
            )
            _list_figures(results)
            raise _Rollback
    except _Rollback:
        pass
    return results

"""Payments: the Payme endpoint under 20 concurrent clients (Check/Create/Perform, against daphne),
overdue marking over 100,000 invoices, and monthly generation for 10,000 memberships.

The two bulk figures run inside one transaction that is rolled back at the end (the services' own
transactions become savepoints), so the database is left as it was; their events are queued on
commit and so never sent: the per-event fan-out cost is measured on its own row. The Payme figure
needs real commits (daphne is another process); its rows are removed afterwards (other modules'
receivers, e.g. audit entries of the payments, stay)."""

from __future__ import annotations

import base64
import os
import time
from contextlib import contextmanager
from datetime import date, timedelta

from django.db import connection, transaction

from tests.benchmarks import Result, p50, p99, timed
from tests.benchmarks.http_load import production_env

CLIENTS = 20
INVOICES_PER_CLIENT = 30
OPEN_LOOP_PER_CLIENT = 10
OVERDUE_INVOICES = 100_000
MEMBERSHIPS = 10_000
PAYME_KEY = "bench-payme-key"
TAG = "bench-payments"


class _Rollback(Exception):
    pass


@contextmanager
def _receivers_detached():
    """The budgets measure payments' own work; other modules' receivers (notifications fan-out,
    coins, audit) are measured on their own rows."""
    from modules.payments import signals

    sigs = [getattr(signals, name) for name in dir(signals) if name.startswith("payment_")]
    saved = [(sig, sig.receivers[:]) for sig in sigs]
    for sig, _ in saved:
        sig.receivers = []
        sig.sender_receivers_cache.clear()
    try:
        yield
    finally:
        for sig, receivers in saved:
            sig.receivers = receivers
            sig.sender_receivers_cache.clear()


@contextmanager
def _rolled_back():
    try:
        with transaction.atomic():
            yield
            raise _Rollback
    except _Rollback:
        pass


def _students(count: int, block: str):
    """Bench students with phones no earlier run left behind (+99833 and seven digits)."""
    import random

    from modules.accounts.models import User

    taken = set(User.objects.filter(phone__startswith="+99833").values_list("phone", flat=True))
    base = random.randrange(10**7)
    phones = (f"+99833{(base + i) % 10**7:07d}" for i in range(10**7))
    fresh = (p for p in phones if p not in taken)
    return User.objects.bulk_create(
        (
            User(phone=next(fresh), first_name=f"Pay{i}", last_name=TAG, role="student", password="!")
            for i in range(count)
        ),
        batch_size=5000,
    )


def _group(price: int):
    from modules.courses.models import Branch, Course, Group

    teacher = _students(1, "t")[0]
    branch, _ = Branch.objects.get_or_create(name=f"{TAG} branch")
    course = Course.objects.create(name=f"{TAG} course", monthly_price=price)
    return Group.objects.create(
        branch=branch,
        course=course,
        teacher=teacher,
        name=f"{TAG} group",
        start_date=date(2026, 1, 1),
        monthly_price=price,
    )


def billed_group(students, price: int):
    """A group the students are members of: monthly invoices name their group (its branch routes the
    dashboards' events without another query), so the paying benches bill through one as well."""
    from modules.courses.models import Membership

    group = _group(price)
    Membership.objects.bulk_create(
        Membership(group=group, student=s, joined_on=group.start_date) for s in students
    )
    return group


def drop_group(group) -> None:
    """The bench group, its memberships (cascaded), its course and its teacher; run after its
    invoices are gone."""
    from modules.courses.models import Course, Group

    with transaction.atomic():
        Group.objects.filter(pk=group.pk).delete()
        Course.objects.filter(pk=group.course_id).delete()
    _drop_students([group.teacher_id])


# --- Payme over HTTP -----------------------------------------------------------------------------------


def _payme_session(base: str):
    from tests.benchmarks.open_loop import client

    auth = "Basic " + base64.b64encode(f"Paycom:{PAYME_KEY}".encode()).decode()
    return client(f"http://{base}", clients=CLIENTS, headers={"Authorization": auth})


def _payme_closed(base: str, per_client, errors: list, by_method: dict | None = None):
    """Each client pays its invoices one after another: every call's latency and the wall time."""
    from tests.benchmarks.open_loop import run_closed_loop

    numbered = [list(enumerate(invoices)) for invoices in per_client]
    return run_closed_loop(
        numbered,
        session=lambda: _payme_session(base),
        serve=lambda client, item: _payme_calls(client, *item, errors, by_method),
    )


async def _payme_calls(client, n: int, invoice, errors: list, by_method) -> list[float]:
    """Check, Create and Perform of one invoice, as Payme sends them: their latencies."""
    from modules.payments.payme.protocol import now_ms

    invoice_id, amount = invoice
    tx_id = f"{invoice_id:012d}{n:012d}"
    account = {"payment_id": str(invoice_id)}
    calls = [
        ("CheckPerformTransaction", {"amount": amount, "account": account}),
        ("CreateTransaction", {"id": tx_id, "time": now_ms(), "amount": amount, "account": account}),
        ("PerformTransaction", {"id": tx_id}),
    ]
    latencies: list[float] = []
    for method, params in calls:
        start = time.perf_counter()
        body = {"method": method, "params": params, "id": n}
        response = await client.post("/api/v1/payments/payme", json=body)
        latencies.append((time.perf_counter() - start) * 1000)
        if by_method is not None:
            by_method.setdefault(method, []).append(latencies[-1])
        if response.status_code != 200 or "result" not in response.json():
            errors.append((method, response.status_code, response.text[:300]))
    return latencies


def _payme_open_loop(base: str, invoices, capacity: float) -> Result:
    """Payments arriving at half the measured capacity (Poisson), served by CLIENTS clients."""
    from tests.benchmarks.open_loop import run_open_loop

    errors: list = []
    latencies, wall = run_open_loop(
        invoices,
        per_second=capacity / 2 / 3,
        clients=CLIENTS,
        session=lambda: _payme_session(base),
        serve=lambda client, invoice: _payme_calls(client, 0, invoice, errors, None),
    )
    return Result(
        f"Payme endpoint, {CLIENTS} clients, open loop at half the capacity",
        f"{len(latencies) / wall:.0f} calls/s: p50 {p50(latencies):.1f} ms, p99 {p99(latencies):.1f} ms, "
        f"{len(errors)} errors",
        "reported",
        None if not errors else False,
    )


def _bench_payme(ctx) -> list[Result]:
    from modules.accounts.models import User
    from modules.payments.models import Payment

    _drop_students(list(User.objects.filter(last_name=TAG).values_list("pk", flat=True)))
    students = _students(CLIENTS, "1")
    group = billed_group(students, 10_000_00)
    due = date.today() + timedelta(days=10)
    invoices = Payment.objects.bulk_create(
        Payment(student=s, group=group, amount=10_000_00 + i, due_date=due, description=TAG)
        for s in students
        for i in range(INVOICES_PER_CLIENT + OPEN_LOOP_PER_CLIENT + 2)
    )
    base = None
    try:
        # the web process runs with the pool (docs/deployment.md, Traps): a connection per request thread otherwise
        base = ctx.start_web(  # the production layout: gunicorn workers (docs/deployment-processes.md)
            production_env(PAYME_KEY=PAYME_KEY, DB_POOL_MAX="10", WEB_THREADS="10")
        )
        by_student: dict[int, list] = {}
        for inv in invoices:
            by_student.setdefault(inv.student_id, []).append((inv.pk, inv.amount))
        # one client alone first: the service time of each method, with every receiver connected
        _payme_closed(base, [[lst.pop() for lst in by_student.values()]], [])
        alone: dict[str, list[float]] = {}
        _payme_closed(base, [[lst.pop() for lst in by_student.values()]], [], alone)
        solo = ", ".join(f"{m.removesuffix('Transaction')} {p50(v):.1f}" for m, v in alone.items())
        errors: list = []
        latencies, wall = _payme_closed(
            base, [lst[:INVOICES_PER_CLIENT] for lst in by_student.values()], errors
        )
        figure = (
            f"p50 {p50(latencies):.1f} ms, p99 {p99(latencies):.1f} ms, {len(latencies)} calls, "
            f"{len(latencies) / wall:.0f}/s, {len(errors)} errors"
        )
        if errors:
            import sys

            print("payme bench errors (first 3):", errors[:3], file=sys.stderr)
        rate = len(latencies) / wall
        open_row = _payme_open_loop(
            base, [inv for lst in by_student.values() for inv in lst[INVOICES_PER_CLIENT:]], rate
        )
        paid = Payment.objects.filter(pk__in=[i.pk for i in invoices], status="paid").count()
        ok = rate >= 90 and p99(latencies) < 250 and not errors
        return [
            Result("Payme endpoint, one client alone, p50 per method (ms)", solo, "-", None),
            Result(
                f"Payme endpoint, {CLIENTS} closed-loop clients (Check/Create/Perform)",
                f"{figure}; Little's law floor for the mean {CLIENTS / rate * 1000:.0f} ms",
                ">= 90 calls/s, p99 < 250 ms",
                ok,
            ),
            open_row,
            Result(
                "every invoice of the Payme runs paid exactly once",
                f"{paid} of {len(invoices)}",
                "all",
                paid == len(invoices),
            ),
        ]
    finally:
        if base is not None:  # its connections are not the next benchmark's
            ctx.stop(base)
        _cleanup_payme(invoices, students, group)


def _cleanup_payme(invoices, students, group) -> None:
    ids = [i.pk for i in invoices]
    with connection.cursor() as cursor:
        for table, column in [
            ("payments_paymetransaction", "payment_id"),
            ("payments_balanceentry", "payment_id"),
            ("payments_paymentrecord", "payment_id"),
            ("payments_paymenthistory", "payment_id"),
            ("payments_paymentreminder", "payment_id"),
        ]:
            cursor.execute(f"DELETE FROM {table} WHERE {column} = ANY(%s)", [ids])
    from modules.payments.models import Payment

    Payment.objects.filter(pk__in=ids)._raw_delete(using="default")
    _drop_students([s.pk for s in students])


def _drop_students(ids) -> None:
    from django.db.models import ProtectedError

    from modules.accounts.models import User

    try:
        with transaction.atomic():
            User.objects.filter(pk__in=ids).delete()
    except (ProtectedError, Exception):  # another module kept a protected row about them: leave them
        pass


# --- bulk figures -------------------------------------------------------------------------------------


def _overdue_run(size: int) -> tuple[float, int]:
    from modules.payments.models import Payment
    from modules.payments.overdue import mark_payments_overdue

    with _rolled_back():
        students = _students(1000, "2")
        today = date(2026, 6, 15)
        Payment.objects.bulk_create(
            (
                Payment(
                    student=students[i % 1000],
                    amount=500_00,
                    due_date=today - timedelta(days=1 + i % 30),
                    description=TAG,
                )
                for i in range(size)
            ),
            batch_size=10_000,
        )
        result = {}
        ms = timed(lambda: result.setdefault("r", mark_payments_overdue(today=today)))[0]
    return ms, result["r"].count


def _bench_overdue() -> list[Result]:
    with _receivers_detached():
        ms, count = _overdue_run(OVERDUE_INVOICES)
    with_receivers, small = _overdue_run(1000)
    return [
        Result(
            f"mark_payments_overdue over {OVERDUE_INVOICES:,} invoices (UPDATE + history + signal)",
            f"{ms / 1000:.2f} s, {count:,} flipped",
            "< 5 s",
            ms < 5000 and count == OVERDUE_INVOICES,
        ),
        Result(
            "mark_payments_overdue over 1,000 invoices, every module's receivers connected",
            f"{with_receivers:.0f} ms, {small:,} flipped",
            "-",
            None,
        ),
    ]


def _generation_run(size: int) -> tuple[float, int, float, int]:
    from modules.courses.models import Membership
    from modules.payments.billing import generate_invoices
    from modules.payments.models import Payment, PaymentSchedule

    with _rolled_back():
        group = _group(40_000_000)
        students = _students(size, "3")
        # joined on different January days: February is billed in full for everyone
        members = Membership.objects.bulk_create(
            (
                Membership(group=group, student=s, joined_on=date(2026, 1, 1) + timedelta(days=i % 28))
                for i, s in enumerate(students)
            ),
            batch_size=5000,
        )
        PaymentSchedule.objects.bulk_create(
            (PaymentSchedule(membership=m, due_day=5, active_from=m.joined_on) for m in members),
            batch_size=5000,
        )
        result = {}
        ms = timed(lambda: result.setdefault("r", generate_invoices(today=date(2026, 2, 1))))[0]
        created = result["r"].created
        again = timed(lambda: generate_invoices(today=date(2026, 2, 1)))[0]
        total = Payment.objects.filter(group=group).count()
    return ms, created, again, total


def _bench_generation() -> list[Result]:
    from django.conf import settings
    from django.test import override_settings

    with _receivers_detached():
        ms, created, again, total = _generation_run(MEMBERSHIPS)
    # receivers connected and their outbox rows written, as in production
    with override_settings(Q_CLUSTER={**settings.Q_CLUSTER, "sync": False}):
        with_receivers, all_created, _, _ = _generation_run(MEMBERSHIPS)
    return [
        Result(
            f"generate_invoices for {MEMBERSHIPS:,} memberships (one month)",
            f"{ms / 1000:.2f} s, {created:,} invoices",
            "< 10 s",
            ms < 10_000 and created == MEMBERSHIPS == total,
        ),
        Result("generate_invoices rerun (idempotent, nothing to do)", f"{again:.0f} ms", "-", None),
        Result(
            f"generate_invoices for {MEMBERSHIPS:,} memberships, every module's receivers connected",
            f"{with_receivers / 1000:.2f} s, {all_created:,} invoices",
            "< 5 s",
            with_receivers < 5000 and all_created == MEMBERSHIPS,
        ),
    ]


def _bench_payme_statements() -> list[Result]:
    """Statements of one PerformTransaction in-process, every receiver connected and the outbox rows
    written as in production (Q_CLUSTER sync off); inside the benchmark's rolled-back transaction,
    so the endpoint's own transaction shows as SAVEPOINT + RELEASE (counted)."""
    import httpx  # noqa: F401  (the endpoint module imports it; loaded before timing)
    from django.conf import settings
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from modules.payments.models import Payment
    from modules.payments.payme.protocol import now_ms

    auth = "Basic " + base64.b64encode(f"Paycom:{PAYME_KEY}".encode()).decode()
    client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_AUTHORIZATION=auth)
    counts = []
    with (
        _rolled_back(),
        override_settings(PAYME_KEY=PAYME_KEY, Q_CLUSTER={**settings.Q_CLUSTER, "sync": False}),
    ):
        students = _students(20, "4")
        due = date.today() + timedelta(days=10)
        group = _group(10_000_00)
        # a monthly invoice names its group (routing by its branch is free); one made at the desk
        # may not, and then the student's branches are read after the commit
        invoices = Payment.objects.bulk_create(
            Payment(
                student=s, amount=10_000_00, due_date=due, description=TAG, group=group if n % 2 else None
            )
            for n, s in enumerate(students)
        )
        for n, invoice in enumerate(invoices):
            tx_id = f"{invoice.pk:012d}{n:012d}"
            account = {"payment_id": str(invoice.pk)}
            create = {"id": tx_id, "time": now_ms(), "amount": invoice.amount, "account": account}
            for method, params in (("CreateTransaction", create), ("PerformTransaction", {"id": tx_id})):
                with CaptureQueriesContext(connection) as ctx:
                    response = client.post(
                        "/api/v1/payments/payme",
                        {"method": method, "params": params, "id": n},
                        content_type="application/json",
                    )
                assert "result" in response.json(), response.content
            counts.append((invoice.group_id is not None, len(ctx.captured_queries)))
    warm = counts[1:]  # the first call also loads the center's settings into the cache
    with_group = max(n for grouped, n in warm if grouped)
    without = max(n for grouped, n in warm if not grouped)
    return [
        Result(
            "Payme PerformTransaction, statements in its transaction, all receivers (SAVEPOINTs counted)",
            f"max {max(with_group, without)} (first call {counts[0][1]}); "
            "+1 SELECT after the commit for an invoice without a group",
            "<= 10",
            max(with_group, without) <= 10,
        )
    ]


def _bench_event_fanout() -> list[Result]:
    from datetime import date

    from modules.payments.events import PaymentUpdatedData
    from realtime.publish import encode_head, make_envelope, send_now

    data = PaymentUpdatedData(
        id=1, student_id=1, group_id=None, amount=100, currency="UZS", status="paid",
        previous_status="pending", due_date=date(2026, 3, 1), period=None, paid_at=None, method="cash",
    )  # fmt: skip

    def one():
        envelope = make_envelope(channel="dashboard", type="payment.updated", data=data)
        send_now(envelope, encode_head(envelope))

    samples = timed(one, 500)
    return [
        Result(
            "payment.updated fan-out, per event (channel layer group_send)",
            f"p50 {p50(samples):.2f} ms, p99 {p99(samples):.2f} ms",
            "-",
            None,
        )
    ]


def run(ctx) -> list[Result]:
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)
    os.environ.setdefault("PAYME_KEY", PAYME_KEY)
    rows = _bench_payme(ctx)
    rows += _bench_payme_statements()
    rows += _bench_overdue()
    rows += _bench_generation()
    rows += _bench_event_fanout()
    return rows

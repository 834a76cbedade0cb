"""Click and Uzum endpoints under 20 concurrent clients against the production HTTP layout (gunicorn,
one worker per core, docs/deployment-processes.md): Click Prepare + Complete and
Uzum check + create + confirm, each paying its own invoices. Twice: 20 closed-loop clients (the
capacity, calls per second; latency there is the queue, N / X), then 20 clients serving payments
that arrive at half that rate (the latency target; tests/benchmarks/open_loop.py says why). Rows are
removed afterwards."""

from __future__ import annotations

import base64
import hashlib
import os
import time
from datetime import date, timedelta

from django.db import connection

from tests.benchmarks import Result, open_loop, p50, p99
from tests.benchmarks.bench_payments import _drop_students, _students, billed_group, drop_group
from tests.benchmarks.http_load import production_env
from tests.benchmarks.open_loop import run_closed_loop, run_open_loop

CLIENTS = 20
INVOICES_PER_CLIENT = 15
OPEN_LOOP_PER_CLIENT = 12
PROCESSES = 1  # one gunicorn master; its workers (one per core) share the port
CLICK = {"CLICK_SERVICE_ID": "7001", "CLICK_SECRET_KEY": "bench-click-secret", "CLICK_MERCHANT_ID": "1"}
UZUM = {"UZUM_SERVICE_ID": "8001", "UZUM_LOGIN": "bench", "UZUM_PASSWORD": "bench-uzum-pass"}
TAG = "bench-gateways"


def _click_fields(
    action: int, trans_id: int, invoice: int, amount: str, prepare_id: int | None = None
) -> dict:
    fields = {
        "click_trans_id": str(trans_id),
        "service_id": CLICK["CLICK_SERVICE_ID"],
        "click_paydoc_id": str(trans_id),
        "merchant_trans_id": str(invoice),
        "amount": amount,
        "action": str(action),
        "error": "0",
        "error_note": "Success",
        "sign_time": "2026-12-01 10:00:00",
    }
    parts = [fields["click_trans_id"], fields["service_id"], CLICK["CLICK_SECRET_KEY"], str(invoice)]
    if prepare_id is not None:
        fields["merchant_prepare_id"] = str(prepare_id)
        parts.append(str(prepare_id))
    parts += [amount, str(action), fields["sign_time"]]
    fields["sign_string"] = hashlib.md5("".join(parts).encode()).hexdigest()  # noqa: S324
    return fields


def _uzum_auth() -> dict:
    token = base64.b64encode(f"{UZUM['UZUM_LOGIN']}:{UZUM['UZUM_PASSWORD']}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def _session(base: str):
    return open_loop.client(f"http://{base}", clients=CLIENTS)


async def _pay(client, item, errors: list) -> list[float]:
    """One invoice paid as the provider does it (Click for even n, Uzum for odd): call latencies."""
    n, invoice, amount = item
    latencies: list[float] = []

    async def call(name: str, ok, **kw):
        start = time.perf_counter()
        response = await client.post(f"/api/v1/payments{name}", **kw)
        latencies.append((time.perf_counter() - start) * 1000)
        if not ok(response):
            errors.append((name, response.status_code, response.text[:200]))
        return response

    if n % 2 == 0:
        som = f"{amount // 100}.{amount % 100:02d}"
        trans = invoice * 100 + n
        clicked = lambda r: r.status_code == 200 and r.json().get("error") == 0  # noqa: E731
        prepared = (await call("/click/prepare", clicked, data=_click_fields(0, trans, invoice, som))).json()
        prepare_id = prepared.get("merchant_prepare_id")
        await call("/click/complete", clicked, data=_click_fields(1, trans, invoice, som, prepare_id))
    else:
        headers = _uzum_auth()
        body = {"serviceId": int(UZUM["UZUM_SERVICE_ID"]), "timestamp": 0}
        trans = f"bench-{invoice}-{n}"
        ok = lambda r: r.status_code == 200  # noqa: E731
        await call("/uzum/check", ok, json={**body, "params": {"account": str(invoice)}}, headers=headers)
        create = {**body, "transId": trans, "params": {"account": str(invoice)}, "amount": amount}
        await call("/uzum/create", ok, json=create, headers=headers)
        await call("/uzum/confirm", ok, json={**body, "transId": trans}, headers=headers)
    return latencies


def _closed(base: str, per_client: list[list], errors: list) -> tuple[list[float], float]:
    """Each client pays its invoices one after another (the capacity run)."""
    numbered = [[(n, invoice, amount) for n, (invoice, amount) in enumerate(lst)] for lst in per_client]
    return run_closed_loop(
        numbered, session=lambda: _session(base), serve=lambda client, item: _pay(client, item, errors)
    )


def _open_loop_row(base: str, invoices, capacity: float) -> Result:
    """Half the measured capacity, arriving as payments do (Poisson), served by CLIENTS clients."""
    errors: list = []
    calls_per_invoice = 2.5  # Click's two calls and Uzum's three, alternating
    rate = float(os.environ.get("BENCH_OPEN_LOOP_CALLS") or capacity / 2) / calls_per_invoice
    items = [(n, invoice, amount) for n, (invoice, amount) in enumerate(invoices)]
    latencies, wall = run_open_loop(
        items,
        per_second=rate,
        clients=CLIENTS,
        session=lambda: _session(base),
        serve=lambda client, item: _pay(client, item, errors),
    )
    figure = (
        f"{len(latencies) / wall:.0f} calls/s offered (half the capacity): p50 {p50(latencies):.1f} ms, "
        f"p99 {p99(latencies):.1f} ms, {len(latencies)} calls, {len(errors)} errors"
    )
    return Result(
        f"Click + Uzum endpoints, {CLIENTS} concurrent clients, open loop",
        figure,
        "p99 < 50 ms",
        p99(latencies) < 50 and not errors,
    )


def _cleanup(ids: list[int], students, group) -> None:
    from modules.payments.models import Payment

    with connection.cursor() as cursor:
        for table in (
            "payments_clicktransaction",
            "payments_uzumtransaction",
            "payments_balanceentry",
            "payments_paymentrecord",
            "payments_paymenthistory",
            "payments_paymentreminder",
        ):
            cursor.execute(f"DELETE FROM {table} WHERE payment_id = ANY(%s)", [ids])
    Payment.objects.filter(pk__in=ids)._raw_delete(using="default")
    drop_group(group)
    _drop_students([s.pk for s in students])


def run(ctx) -> list[Result]:
    from modules.payments.models import Payment

    students = _students(CLIENTS, "g")
    group = billed_group(students, 2_000_000)
    due = date.today() + timedelta(days=10)
    invoices = Payment.objects.bulk_create(
        Payment(student=s, group=group, amount=2_000_000 + i, due_date=due, description=TAG)
        for s in students
        for i in range(INVOICES_PER_CLIENT + OPEN_LOOP_PER_CLIENT + 2 * PROCESSES + 4)
    )
    ids = [i.pk for i in invoices]
    bases: list[str] = []
    try:
        bases.append(ctx.start_web(production_env(**CLICK, **UZUM, DB_POOL_MAX="10", WEB_THREADS="10")))
        by_student: dict[int, list] = {}
        for inv in invoices:
            by_student.setdefault(inv.student_id, []).append((inv.pk, inv.amount))
        for base in bases:  # warm up every process
            _closed(base, [[lst.pop()] for lst in list(by_student.values())[:2]], [])
        alone, _ = _closed(bases[0], [[lst.pop() for lst in list(by_student.values())[:4]]], [])
        errors: list = []
        latencies, wall = _closed(
            bases[0], [lst[:INVOICES_PER_CLIENT] for lst in by_student.values()], errors
        )
        later = [
            inv for lst in by_student.values() for inv in lst[INVOICES_PER_CLIENT:][:OPEN_LOOP_PER_CLIENT]
        ]
        if errors:
            import sys

            print("gateway bench errors (first 3):", errors[:3], file=sys.stderr)
        figure = (
            f"p50 {p50(latencies):.1f} ms, p99 {p99(latencies):.1f} ms, {len(latencies)} calls, "
            f"{len(latencies) / wall:.0f}/s, {len(errors)} errors"
        )
        capacity = len(latencies) / wall
        return [
            Result(
                "Click + Uzum endpoints, one client alone (ms per call)", f"p50 {p50(alone):.1f}", "-", None
            ),
            Result(
                f"Click + Uzum endpoints, {CLIENTS} closed-loop clients (capacity), gunicorn",
                f"{figure}; Little's law floor for the mean: {CLIENTS / capacity * 1000:.0f} ms",
                "0 errors",
                not errors,
            ),
            _open_loop_row(bases[0], later, capacity),
        ]
    finally:
        for base in bases:  # its connections are not the next benchmark's
            ctx.stop(base)
        _cleanup(ids, students, group)

"""Click and Uzum endpoints under 20 concurrent clients against the production HTTP layout (gunicorn,
one worker per core, docs/deployment-processes.md): Click Prepare + Complete and
Uzum check + create + confirm, each paying its own invoices. Rows are removed afterwards."""

from __future__ import annotations

import base64
import hashlib
import threading
import time
from datetime import date, timedelta

from django.db import connection

from tests.benchmarks import Result, p50, p99
from tests.benchmarks.bench_payments import _drop_students, _students

CLIENTS = 20
INVOICES_PER_CLIENT = 15
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


def _flow(base: str, invoices, latencies: list[float], errors: list) -> None:
    import httpx

    auth = base64.b64encode(f"{UZUM['UZUM_LOGIN']}:{UZUM['UZUM_PASSWORD']}".encode()).decode()
    with httpx.Client(base_url=f"http://{base}/api/v1/payments", timeout=10) as client:

        def call(name: str, ok, **kw):
            start = time.perf_counter()
            response = client.post(name, **kw)
            latencies.append((time.perf_counter() - start) * 1000)
            if not ok(response):
                errors.append((name, response.status_code, response.text[:200]))
            return response

        for n, (invoice, amount) in enumerate(invoices):
            if n % 2 == 0:
                som = f"{amount // 100}.{amount % 100:02d}"
                trans = invoice * 100 + n
                prepared = call(
                    "/click/prepare",
                    lambda r: r.json().get("error") == 0,
                    data=_click_fields(0, trans, invoice, som),
                ).json()
                call(
                    "/click/complete",
                    lambda r: r.json().get("error") == 0,
                    data=_click_fields(1, trans, invoice, som, prepared.get("merchant_prepare_id")),
                )
            else:
                headers = {"Authorization": f"Basic {auth}"}
                body = {"serviceId": int(UZUM["UZUM_SERVICE_ID"]), "timestamp": 0}
                trans = f"bench-{invoice}-{n}"
                ok = lambda r: r.status_code == 200  # noqa: E731
                call("/uzum/check", ok, json={**body, "params": {"account": str(invoice)}}, headers=headers)
                call(
                    "/uzum/create",
                    ok,
                    json={**body, "transId": trans, "params": {"account": str(invoice)}, "amount": amount},
                    headers=headers,
                )
                call("/uzum/confirm", ok, json={**body, "transId": trans}, headers=headers)


def _cleanup(ids: list[int], students) -> None:
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
    _drop_students([s.pk for s in students])


def run(ctx) -> list[Result]:
    import logging

    from modules.payments.models import Payment

    logging.getLogger("httpx").setLevel(logging.WARNING)
    students = _students(CLIENTS, "g")
    due = date.today() + timedelta(days=10)
    invoices = Payment.objects.bulk_create(
        Payment(student=s, amount=2_000_000 + i, due_date=due, description=TAG)
        for s in students
        for i in range(INVOICES_PER_CLIENT + 2 * PROCESSES + 4)
    )
    ids = [i.pk for i in invoices]
    try:
        env = {**CLICK, **UZUM, "LOG_LEVEL": "WARNING", "DB_POOL": "true", "DB_POOL_MAX": "10"}
        bases = [ctx.start_web({**env, "WEB_THREADS": "10"})]
        by_student: dict[int, list] = {}
        for inv in invoices:
            by_student.setdefault(inv.student_id, []).append((inv.pk, inv.amount))
        for base in bases:  # warm up every process
            _flow(base, [lst.pop() for lst in by_student.values()][:2], [], [])
        alone: list[float] = []
        _flow(bases[0], [lst.pop() for lst in list(by_student.values())[:4]], alone, [])
        latencies: list[float] = []
        errors: list = []
        threads = [
            threading.Thread(
                target=_flow, args=(bases[n % PROCESSES], lst[:INVOICES_PER_CLIENT], latencies, errors)
            )
            for n, lst in enumerate(by_student.values())
        ]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - start
        if errors:
            import sys

            print("gateway bench errors (first 3):", errors[:3], file=sys.stderr)
        figure = (
            f"p50 {p50(latencies):.1f} ms, p99 {p99(latencies):.1f} ms, {len(latencies)} calls, "
            f"{len(latencies) / wall:.0f}/s, {len(errors)} errors"
        )
        ok = p99(latencies) < 50 and not errors
        return [
            Result(
                "Click + Uzum endpoints, one client alone (ms per call)", f"p50 {p50(alone):.1f}", "-", None
            ),
            Result(
                f"Click + Uzum endpoints, {CLIENTS} concurrent clients, gunicorn (one worker per core)",
                figure,
                "p99 < 50 ms",
                ok,
            ),
        ]
    finally:
        _cleanup(ids, students)

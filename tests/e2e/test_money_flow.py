"""End to end on daphne + qcluster (PostgreSQL, Redis): a parent's invoice paid in part at the desk
and the rest through Click; another paid through Uzum and reversed (refunded); an overpayment whose
excess the worker applies to the next invoice; the day's cash desk; a teacher's month approved."""

from __future__ import annotations

import time
from datetime import timedelta

import httpx
import pytest
from django.utils import timezone

from core.auth import issue_access_token
from tests.e2e.harness import Daphne, process_env
from tests.payments.gateway_clients import (
    CLICK_SECRET,
    CLICK_SERVICE,
    UZUM_LOGIN,
    UZUM_PASSWORD,
    UZUM_SERVICE,
    ClickClient,
    UzumClient,
    click_trans_id,
    som,
    uzum_trans_id,
)

pytestmark = pytest.mark.e2e

GATEWAY_ENV = {
    "CLICK_SERVICE_ID": CLICK_SERVICE,
    "CLICK_SECRET_KEY": CLICK_SECRET,
    "CLICK_MERCHANT_ID": "11223",
    "UZUM_SERVICE_ID": UZUM_SERVICE,
    "UZUM_LOGIN": UZUM_LOGIN,
    "UZUM_PASSWORD": UZUM_PASSWORD,
}


@pytest.fixture(scope="module")
def money_server(e2e_env):
    """A daphne of its own, with Click and Uzum configured."""
    env = process_env(e2e_env["env"]["DATABASE_URL"], e2e_env["env"]["REDIS_URL"], **GATEWAY_ENV)
    server = Daphne(env, e2e_env["log_dir"])
    yield server
    server.stop()


class _HttpxForms:
    """Lets the Click/Uzum test clients post to the live server instead of Django's test client."""

    def __init__(self, base: str):
        self.http = httpx.Client(base_url=base, timeout=10)

    def post(self, path, data=None):
        return self.http.post(path, data=data)

    def generic(self, method, path, data, content_type, headers):
        return self.http.request(
            method, path, content=data, headers={**headers, "Content-Type": content_type}
        )


def _api(server, user) -> httpx.Client:
    headers = {"Authorization": f"Bearer {issue_access_token(user)}"}
    return httpx.Client(base_url=f"{server.url}/api/v1", headers=headers, timeout=10)


def _poll(predicate, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_month_of_money(money_server, qcluster_worker, transactional_db, admin, parent, student, teacher):
    from modules.lessons.models import Lesson
    from tests.factories.payments import make_group, make_membership
    from tests.payroll.helpers import lesson

    office, family = _api(money_server, admin), _api(money_server, parent)
    group = make_group(teacher=teacher)
    make_membership(student=student, group=group)
    due = (timezone.localdate() + timedelta(days=10)).isoformat()

    def invoice(amount: int) -> dict:
        body = {"student_id": student.pk, "group_id": group.pk, "amount": amount, "due_date": due}
        response = office.post("/payments", json=body)
        assert response.status_code == 201, response.text
        return response.json()

    # 1. part at the desk, the rest through Click (the parent opens the link)
    first = invoice(60_000_000)
    part = office.post(f"/payments/{first['id']}/confirm", json={"method": "cash", "amount": 20_000_000})
    assert part.json()["status"] == "partially_paid"
    link = family.post(f"/payments/{first['id']}/click-link", json={}).json()
    assert link["amount"] == 40_000_000 and "transaction_param=" in link["url"]
    click = ClickClient(client=_HttpxForms(money_server.url))
    tid = click_trans_id()
    prepared = click.prepare(trans_id=tid, invoice=first["id"], amount=som(40_000_000))
    assert prepared["error"] == 0
    done = click.complete(
        trans_id=tid, invoice=first["id"], amount=som(40_000_000), prepare_id=prepared["merchant_prepare_id"]
    )
    assert done["error"] == 0
    paid = family.get(f"/payments/{first['id']}").json()
    assert paid["status"] == "paid" and [r["method"] for r in paid["records"]] == ["cash", "click"]

    # 2. Uzum pays the second; Uzum reverses it: refunded through the refund service
    second = invoice(15_000_000)
    uzum = UzumClient(client=_HttpxForms(money_server.url))
    trans = uzum_trans_id()
    assert uzum.check(second["id"])[0] == 200
    assert uzum.create(trans, second["id"], 15_000_000)[1]["status"] == "CREATED"
    assert uzum.confirm(trans)[1]["status"] == "CONFIRMED"
    assert uzum.reverse(trans)[1]["status"] == "REVERSED"
    assert office.get(f"/payments/{second['id']}").json()["status"] == "refunded"

    # 3. an overpayment: the worker applies the excess to the next invoice
    third, fourth = invoice(10_000_000), invoice(5_000_000)
    office.post(f"/payments/{third['id']}/confirm", json={"method": "card", "amount": 15_000_000})
    _poll(
        lambda: office.get(f"/payments/{fourth['id']}").json()["status"] == "paid",
        timeout=30,
        what="the balance applied by the worker",
    )
    balance = family.get(f"/students/{student.pk}/balance").json()
    assert balance["balance"] == 0 and [e["kind"] for e in balance["entries"]] == ["overpayment", "applied"]

    # 4. the director reads the day's cash
    cash = office.get("/payments/reports/cashbox").json()
    assert cash["by_method"] == {"card": 15_000_000, "cash": 20_000_000, "click": 40_000_000, "uzum": 0}

    # 5. the teacher's month: one approved run
    lesson(group, day=timezone.localdate().day, month=timezone.localdate().replace(day=1), present=[student])
    assert Lesson.objects.filter(group=group).count() == 1
    office.post(
        "/payroll/rates",
        json={
            "teacher_id": teacher.pk,
            "kind": "per_lesson",
            "amount": 9_000_000,
            "active_from": "2026-01-01",
        },
    )
    period = timezone.localdate().strftime("%Y-%m")
    run = office.post("/payroll/runs", json={"period": period}).json()
    assert run["total"] == 9_000_000
    assert office.post(f"/payroll/runs/{run['id']}/approve").json()["status"] == "approved"
    mine = _api(money_server, teacher).get("/payroll/statements").json()
    assert mine["count"] == 1 and mine["items"][0]["lines"][0]["lesson_id"]

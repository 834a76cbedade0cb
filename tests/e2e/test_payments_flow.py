"""End to end on PostgreSQL in autocommit, through daphne and the qcluster worker over real HTTP:
an invoice paid by the Payme sequence (CheckPerform, Create, Perform with the Basic auth header);
a freeze added after the month's invoice credits the frozen days; a move ends the old group's
billing on the move date and starts the new group's. Billing reactions run in the worker (the
membership receiver only enqueues)."""

from __future__ import annotations

import base64
import calendar
import time

import httpx
import pytest

from core.auth import issue_access_token
from tests.e2e.harness import Daphne

pytestmark = pytest.mark.e2e

PAYME_KEY = "e2e-payme-key-0123456789"


@pytest.fixture(scope="module")
def payme_daphne(e2e_env):
    """A daphne of its own that knows the Payme key (the shared one is started without it)."""
    log_dir = e2e_env["log_dir"] / "payments"
    log_dir.mkdir(exist_ok=True)
    server = Daphne({**e2e_env["env"], "PAYME_KEY": PAYME_KEY}, log_dir)
    yield server
    server.stop()


def http(server, user=None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {issue_access_token(user)}"} if user is not None else {}
    return httpx.Client(base_url=f"{server.url}/api/v1", headers=headers, timeout=10)


def poll(fetch, done, *, timeout: float = 60, what: str):
    deadline = time.monotonic() + timeout
    value = fetch()
    while not done(value):
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: still {value!r} after {timeout}s")
        time.sleep(0.2)
        value = fetch()
    return value


class Payme:
    """Speaks to the Merchant API as Payme does: JSON-RPC over HTTP with Basic auth."""

    def __init__(self, server):
        token = base64.b64encode(f"Paycom:{PAYME_KEY}".encode()).decode()
        self.client = httpx.Client(
            base_url=server.url, headers={"Authorization": f"Basic {token}"}, timeout=10
        )
        self.rpc_id = 0

    def call(self, method: str, params: dict) -> dict:
        self.rpc_id += 1
        res = self.client.post(
            "/api/v1/payments/payme", json={"method": method, "params": params, "id": self.rpc_id}
        )
        assert res.status_code == 200, res.text
        body = res.json()
        assert body["id"] == self.rpc_id
        return body


def test_invoice_paid_by_the_payme_sequence_is_paid_over_rest(payme_daphne, transactional_db, admin, student):
    from django.utils import timezone

    staff = http(payme_daphne, admin)
    created = staff.post(
        "/payments",
        json={
            "student_id": student.pk,
            "amount": 45_000_000,
            "due_date": (timezone.localdate() + timezone.timedelta(days=10)).isoformat(),
            "description": "E2E Payme invoice",
        },
    )
    assert created.status_code == 201, created.text
    invoice_id = created.json()["id"]
    account = {"payment_id": str(invoice_id)}
    payme = Payme(payme_daphne)

    wrong = Payme(payme_daphne)
    wrong.client.headers["Authorization"] = "Basic " + base64.b64encode(b"Paycom:wrong").decode()
    assert (
        wrong.call("CheckPerformTransaction", {"amount": 45_000_000, "account": account})["error"]["code"]
        == -32504
    )

    assert payme.call("CheckPerformTransaction", {"amount": 45_000_000, "account": account}) == {
        "result": {"allow": True},
        "id": 1,
    }
    tx_id = "e2e0000000000000000000a1"
    now = int(time.time() * 1000)
    create = payme.call(
        "CreateTransaction", {"id": tx_id, "time": now, "amount": 45_000_000, "account": account}
    )["result"]
    assert create["state"] == 1
    assert (
        payme.call("CheckPerformTransaction", {"amount": 45_000_000, "account": account})["error"]["code"]
        == -31052
    )
    perform = payme.call("PerformTransaction", {"id": tx_id})["result"]
    assert perform["state"] == 2 and perform["transaction"] == create["transaction"]
    assert payme.call("PerformTransaction", {"id": tx_id})["result"] == perform  # a repeat: same answer

    own = http(payme_daphne, student).get(f"/payments/{invoice_id}")
    assert own.status_code == 200, own.text
    body = own.json()
    assert (body["status"], body["method"], body["external_reference"]) == ("paid", "payme", tx_id)
    assert body["history"][-1]["source"] == "payme"
    check = payme.call("CheckTransaction", {"id": tx_id})["result"]
    assert (check["state"], check["perform_time"]) == (2, perform["perform_time"])


# --- freeze and move: billing through the worker ---------------------------------------------------


def month_days(day) -> int:
    return calendar.monthrange(day.year, day.month)[1]


@pytest.fixture
def paid_groups(transactional_db, teacher):
    """Two groups started before this month, priced so that one day costs a whole number of tiyin."""
    from django.utils import timezone

    from tests.factories.courses import GroupFactory

    today = timezone.localdate()
    days = month_days(today)
    start = today.replace(day=1) - timezone.timedelta(days=40)
    old = GroupFactory(start_date=start, monthly_price=days * 1_000_000, teacher=teacher)
    new = GroupFactory(start_date=start, monthly_price=days * 3_000_000, teacher=teacher)
    return old, new


def join_and_bill(server, admin, student, group):
    """Joins on the 1st through the API (the worker opens the schedule), then has the worker run the
    invoice job; returns this month's invoice as the API shows it."""
    from django.utils import timezone

    first = timezone.localdate().replace(day=1)
    staff = http(server, admin)
    res = staff.post(
        f"/groups/{group.pk}/members", json={"student_id": student.pk, "joined_on": first.isoformat()}
    )
    assert res.status_code in (200, 201), res.text
    _wait_for_schedule(student, group)
    _run_in_worker("modules.payments.tasks.generate_invoices")

    def invoices():
        res = staff.get(
            "/payments", params={"student": student.pk, "group": group.pk, "period": first.isoformat()}
        )
        assert res.status_code == 200, res.text
        return res.json()["items"]

    [invoice] = poll(invoices, lambda items: len(items) == 1, what="this month's invoice")
    assert invoice["amount"] == group.monthly_price
    return invoice


def _wait_for_schedule(student, group) -> None:
    from modules.payments.models import PaymentSchedule

    poll(
        lambda: PaymentSchedule.objects.filter(
            membership__student=student, membership__group=group, is_active=True
        ).exists(),
        bool,
        what="schedule opened by the worker",
    )


def _run_in_worker(func: str) -> None:
    from django_q.tasks import async_task

    async_task(func, sync=False)


def test_a_freeze_after_the_invoice_credits_the_frozen_day(
    daphne_server, qcluster_worker, paid_groups, admin, student
):
    from django.utils import timezone

    old, _ = paid_groups
    from tests.factories.courses import local_dt
    from tests.factories.lessons import LessonFactory

    invoice = join_and_bill(daphne_server, admin, student, old)
    today = timezone.localdate()
    lesson = LessonFactory(group=old, starts_at=local_dt(today, timezone.datetime.min.time()))
    staff = http(daphne_server, admin)
    res = staff.post(
        f"/groups/{old.pk}/members/{student.pk}/freeze",
        json={"start_date": today.isoformat(), "end_date": today.isoformat(), "reason": "ill"},
    )
    assert res.status_code == 200, res.text

    detail = poll(
        lambda: staff.get(f"/payments/{invoice['id']}").json(),
        lambda body: body["amount"] != invoice["amount"],
        what="credited invoice",
    )
    assert detail["amount"] == old.monthly_price - 1_000_000  # one day of this month
    assert detail["status"] == "pending"
    assert detail["history"][-1]["reason"].startswith("credit for 1 day(s)")
    # the frozen day's lesson leaves the student's list; staff still see it
    day = {"date_from": today.isoformat(), "date_to": today.isoformat(), "group": old.pk}
    own = http(daphne_server, student).get("/lessons", params=day)
    assert own.status_code == 200 and own.json()["items"] == []
    assert [i["id"] for i in staff.get("/lessons", params=day).json()["items"]] == [lesson.pk]


def test_a_move_ends_the_old_groups_billing_and_starts_the_new_groups(
    daphne_server, qcluster_worker, paid_groups, admin, student
):
    from django.utils import timezone

    old, new = paid_groups
    invoice = join_and_bill(daphne_server, admin, student, old)
    today = timezone.localdate()
    staff = http(daphne_server, admin)
    res = staff.post(
        f"/groups/{old.pk}/members/{student.pk}/move", json={"to_group_id": new.pk, "on": today.isoformat()}
    )
    assert res.status_code in (200, 201), res.text
    first = today.replace(day=1)

    def new_invoices():
        res = staff.get(
            "/payments", params={"student": student.pk, "group": new.pk, "period": first.isoformat()}
        )
        return res.json()["items"]

    [started] = poll(new_invoices, lambda items: len(items) == 1, what="the new group's invoice")
    days_left = month_days(today) - today.day + 1  # from the move day to the month's end
    assert started["amount"] == days_left * 3_000_000

    before_move = today.day - 1
    old_now = poll(
        lambda: staff.get(f"/payments/{invoice['id']}").json(),
        lambda body: body["history"][-1]["reason"].startswith("credit for"),
        what="the old group's invoice credited",
    )
    if before_move:
        assert (old_now["status"], old_now["amount"]) == ("pending", before_move * 1_000_000)
    else:  # moved on the 1st: nothing of the old group is billed
        assert (old_now["status"], old_now["amount"]) == ("cancelled", old.monthly_price)

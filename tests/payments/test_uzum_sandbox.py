"""Uzum Bank Merchant API: every webhook, every error code, repeats, reversal with refund."""

from __future__ import annotations

import pytest

from modules.payments.ledger_models import PaymentRecord
from modules.payments.models import Payment, PaymentHistory
from modules.payments.uzum.models import UzumTransaction
from modules.payments.uzum.service import CONFIRM_TIMEOUT_MS
from tests.factories.accounts import StudentFactory
from tests.factories.payments import PaymentFactory
from tests.payments.gateway_clients import UzumClient, uzum_trans_id

pytestmark = pytest.mark.django_db

AMOUNT = 30_000_000


@pytest.fixture
def uzum(uzum_settings) -> UzumClient:
    return UzumClient()


def invoice(**kw) -> Payment:
    return PaymentFactory(student=StudentFactory(), amount=AMOUNT, **kw)


def test_check_create_confirm_status_then_reverse_refunds(uzum):
    inv, tid = invoice(), uzum_trans_id()
    code, body = uzum.check(inv.pk)
    assert code == 200 and body["status"] == "OK"
    assert body["data"]["account"] == {"value": str(inv.pk)} and body["data"]["amount"] == {"value": AMOUNT}
    code, created = uzum.create(tid, inv.pk, AMOUNT)
    assert code == 200 and created["status"] == "CREATED" and created["transId"] == tid
    assert created["amount"] == AMOUNT and created["transTime"] > 0
    code, confirmed = uzum.confirm(tid)
    assert (
        code == 200
        and confirmed["status"] == "CONFIRMED"
        and confirmed["confirmTime"] >= created["transTime"]
    )
    inv.refresh_from_db()
    assert inv.status == Payment.Status.PAID and inv.method == "uzum"
    code, status = uzum.status(tid)
    assert code == 200 and status == confirmed
    code, reversed_ = uzum.reverse(tid)
    assert code == 200 and reversed_["status"] == "REVERSED" and reversed_["reverseTime"]
    inv.refresh_from_db()
    assert inv.status == Payment.Status.REFUNDED
    assert PaymentRecord.objects.filter(payment=inv, kind="refund", method="uzum", amount=AMOUNT).exists()
    assert uzum.status(tid)[1]["status"] == "REVERSED"


def test_repeats_replay_the_stored_answer(uzum):
    inv, tid = invoice(), uzum_trans_id()
    first = uzum.create(tid, inv.pk, AMOUNT)
    assert uzum.create(tid, inv.pk, AMOUNT) == first
    confirmed = uzum.confirm(tid)
    assert uzum.confirm(tid) == confirmed
    assert PaymentHistory.objects.filter(payment=inv, to_status="paid").count() == 1
    reversed_ = uzum.reverse(tid)
    assert uzum.reverse(tid) == reversed_
    assert PaymentHistory.objects.filter(payment=inv, to_status="refunded").count() == 1


def test_reverse_before_confirm_releases_the_invoice(uzum):
    inv, tid = invoice(), uzum_trans_id()
    uzum.create(tid, inv.pk, AMOUNT)
    code, body = uzum.reverse(tid)
    assert code == 200 and body["status"] == "REVERSED"
    inv.refresh_from_db()
    assert inv.status == Payment.Status.PENDING
    assert error(uzum.confirm(tid)) == "10015"
    assert uzum.create(uzum_trans_id(), inv.pk, AMOUNT)[0] == 200


def error(result) -> str:
    code, body = result
    assert code == 400 and body["status"] == "FAILED", body
    return body["errorCode"]


def test_auth_errors_are_10001(uzum_settings):
    inv = invoice()
    assert error(UzumClient(password="wrong").check(inv.pk)) == "10001"
    assert error(UzumClient(login="other").check(inv.pk)) == "10001"
    response = UzumClient().raw("check", {"serviceId": 498, "params": {"account": "1"}}, headers={})
    assert response.status_code == 400 and response.json()["errorCode"] == "10001"


def test_bad_json_wrong_operation_missing_params_and_service(uzum):
    assert uzum.raw("check", b"{not json").json()["errorCode"] == "10002"
    response = uzum.raw("pay", {"serviceId": 498})  # no such webhook: a JSON 404, never a 500
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert uzum.raw("check", {"serviceId": 498}, method="get").json()["errorCode"] == "10003"
    assert error(uzum.call("check", params={})) == "10005"
    assert error(uzum.call("create", params={"account": "1"}, amount=AMOUNT)) == "10005"  # no transId
    assert error(uzum.call("confirm")) == "10005"
    other = UzumClient(service_id="499")
    assert error(other.check(invoice().pk)) == "10006"


def test_account_paid_cancelled_and_amount_errors(uzum):
    assert error(uzum.check(987_654_321)) == "10007"
    assert error(uzum.create(uzum_trans_id(), "not-a-number", AMOUNT)) == "10007"
    assert error(uzum.check(invoice(status=Payment.Status.PAID).pk)) == "10008"
    assert error(uzum.create(uzum_trans_id(), invoice(status=Payment.Status.PAID).pk, AMOUNT)) == "10008"
    assert error(uzum.check(invoice(status=Payment.Status.CANCELLED).pk)) == "10009"
    assert error(uzum.create(uzum_trans_id(), invoice(status=Payment.Status.CANCELLED).pk, AMOUNT)) == "10009"
    assert error(uzum.create(uzum_trans_id(), invoice().pk, AMOUNT - 1)) == "10011"


def test_same_trans_id_for_another_invoice_is_10010(uzum):
    tid = uzum_trans_id()
    uzum.create(tid, invoice().pk, AMOUNT)
    assert error(uzum.create(tid, invoice().pk, AMOUNT)) == "10010"


def test_unknown_transactions_are_10014(uzum):
    for action in ("confirm", "reverse", "status"):
        assert error(uzum.call(action, transId="no-such-transaction")) == "10014"


def test_second_live_create_for_an_invoice_is_refused_until_the_first_times_out(uzum, time_machine):
    inv = invoice()
    time_machine.move_to("2026-12-01 10:00:00+05:00", tick=False)
    old = uzum_trans_id()
    uzum.create(old, inv.pk, AMOUNT)
    assert error(uzum.create(uzum_trans_id(), inv.pk, AMOUNT)) == "99999"
    time_machine.shift(CONFIRM_TIMEOUT_MS / 1000 + 1)
    fresh = uzum_trans_id()
    assert uzum.create(fresh, inv.pk, AMOUNT)[0] == 200
    assert UzumTransaction.objects.get(trans_id=old).status == "FAILED"
    assert error(uzum.confirm(old)) == "10015"
    assert error(uzum.reverse(old)) == "10017"


def test_confirm_after_the_timeout_fails_the_transaction(uzum, time_machine):
    inv, tid = invoice(), uzum_trans_id()
    time_machine.move_to("2026-12-01 10:00:00+05:00", tick=False)
    uzum.create(tid, inv.pk, AMOUNT)
    time_machine.shift(CONFIRM_TIMEOUT_MS / 1000 + 1)
    assert error(uzum.confirm(tid)) == "10015"
    assert UzumTransaction.objects.get(trans_id=tid).status == "FAILED"  # committed despite the error
    inv.refresh_from_db()
    assert inv.status == Payment.Status.PENDING


def test_desk_confirm_waits_for_a_live_uzum_payment(uzum, api, admin):
    inv, tid = invoice(), uzum_trans_id()
    uzum.create(tid, inv.pk, AMOUNT)
    response = api(admin).post(f"/payments/{inv.pk}/confirm", {"method": "cash"})
    assert response.status_code == 409


def test_disabled_uzum_answers_unavailable_never_500(settings):
    settings.UZUM_SERVICE_ID = ""
    assert error(UzumClient().check(invoice().pk)) == "99999"


def test_a_crash_inside_is_99999_not_500(uzum, monkeypatch):
    from modules.payments.uzum import service

    monkeypatch.setitem(service.ACTIONS, "check", lambda data: 1 / 0)
    assert error(uzum.check(invoice().pk)) == "99999"

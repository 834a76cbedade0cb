"""Click's go-live scenario matrix (run in order, as Click's test tool does) and every error code."""

from __future__ import annotations

import pytest

from modules.payments.click.models import ClickTransaction
from modules.payments.ledger_models import PaymentRecord
from modules.payments.models import Payment, PaymentHistory
from tests.factories.accounts import StudentFactory
from tests.factories.payments import PaymentFactory
from tests.payments.gateway_clients import ClickClient, click_trans_id, som

pytestmark = pytest.mark.django_db

AMOUNT = 45_000_000  # 450,000 so'm: anything but 300, which scenario 5 uses as the wrong amount


@pytest.fixture
def click(click_settings) -> ClickClient:
    return ClickClient()


def invoice(**kw) -> Payment:
    return PaymentFactory(student=StudentFactory(), amount=AMOUNT, **kw)


def test_the_scenario_matrix_passes_in_order(click):
    first, second, third = invoice(), invoice(), invoice()
    t1 = click_trans_id()
    # 1-2: wrong sign; unknown order
    bad = click.fields(action=0, trans_id=t1, invoice=first.pk, amount=som(AMOUNT), sign_string="0" * 32)
    assert click.post("prepare", bad)["error"] == -1
    assert click.prepare(trans_id=t1, invoice=999_999_999, amount=som(AMOUNT))["error"] == -5
    # 3: prepare OK
    ok = click.prepare(trans_id=t1, invoice=first.pk, amount=som(AMOUNT))
    assert ok["error"] == 0 and ok["error_note"] == "Success"
    prepare_id = ok["merchant_prepare_id"]
    assert ok["click_trans_id"] == t1 and ok["merchant_trans_id"] == str(first.pk)
    # 4: complete, wrong sign
    bad = click.fields(
        action=1,
        trans_id=t1,
        invoice=first.pk,
        amount=som(AMOUNT),
        prepare_id=prepare_id,
        sign_string="f" * 32,
    )
    assert click.post("complete", bad)["error"] == -1
    # 5: complete with the amount forced to 300 so'm
    assert click.complete(trans_id=t1, invoice=first.pk, amount="300", prepare_id=prepare_id)["error"] == -2
    # 6: complete OK
    done = click.complete(trans_id=t1, invoice=first.pk, amount=som(AMOUNT), prepare_id=prepare_id)
    assert done["error"] == 0 and done["merchant_confirm_id"] == prepare_id
    first.refresh_from_db()
    assert first.status == Payment.Status.PAID and first.method == "click" and first.amount_paid == AMOUNT
    # 7: complete again → already paid
    again = click.complete(trans_id=t1, invoice=first.pk, amount=som(AMOUNT), prepare_id=prepare_id)
    assert again["error"] == -4
    # 8: Click reports a failed debit on the confirmed payment → cancelled (-9), refunded on our side
    failed = click.complete(
        trans_id=t1, invoice=first.pk, amount=som(AMOUNT), prepare_id=prepare_id, error=-5017
    )
    assert failed["error"] == -9
    first.refresh_from_db()
    assert first.status == Payment.Status.REFUNDED
    assert (
        PaymentRecord.objects.filter(payment=first, kind="refund", method="click", amount=AMOUNT).count() == 1
    )
    # 9-11: a new payment; a wrong prepare id → -6; the right one → 0
    t2 = click_trans_id()
    prepared = click.prepare(trans_id=t2, invoice=second.pk, amount=som(AMOUNT))
    assert prepared["error"] == 0
    wrong = click.complete(trans_id=t2, invoice=second.pk, amount=som(AMOUNT), prepare_id=999_999_999)
    assert wrong["error"] == -6
    right = click.complete(
        trans_id=t2, invoice=second.pk, amount=som(AMOUNT), prepare_id=prepared["merchant_prepare_id"]
    )
    assert right["error"] == 0
    # 12-15: prepared, then Click cancels (-9), the repeat (-9), and an error=0 Complete for it (-9)
    t3 = click_trans_id()
    p3 = click.prepare(trans_id=t3, invoice=third.pk, amount=som(AMOUNT))["merchant_prepare_id"]
    for error in (-5017, -5017, 0):
        answer = click.complete(trans_id=t3, invoice=third.pk, amount=som(AMOUNT), prepare_id=p3, error=error)
        assert answer["error"] == -9
    third.refresh_from_db()
    assert third.status == Payment.Status.PENDING  # nothing was paid, the invoice stays payable
    assert ClickTransaction.objects.get(click_trans_id=t3).state == ClickTransaction.State.CANCELLED


def test_repeated_prepare_answers_the_same_and_reserves_once(click):
    inv, tid = invoice(), click_trans_id()
    answers = [click.prepare(trans_id=tid, invoice=inv.pk, amount=som(AMOUNT)) for _ in range(3)]
    assert answers[0] == answers[1] == answers[2]
    assert ClickTransaction.objects.filter(payment=inv).count() == 1


def test_amount_is_hashed_as_sent_and_compared_numerically(click):
    inv = invoice()
    answer = click.prepare(trans_id=click_trans_id(), invoice=inv.pk, amount=str(AMOUNT // 100))  # "450000"
    assert answer["error"] == 0


def test_prepare_on_a_paid_invoice_is_already_paid(click):
    inv = invoice(status=Payment.Status.PAID)
    assert click.prepare(trans_id=click_trans_id(), invoice=inv.pk, amount=som(AMOUNT))["error"] == -4


@pytest.mark.parametrize("status", [Payment.Status.CANCELLED, Payment.Status.REFUNDED])
def test_prepare_on_a_cancelled_invoice_is_cancelled(click, status):
    inv = invoice(status=status)
    assert click.prepare(trans_id=click_trans_id(), invoice=inv.pk, amount=som(AMOUNT))["error"] == -9


def test_prepare_wants_exactly_what_is_due(click):
    inv = invoice()
    inv.amount_paid = 5_000_000
    inv.status = Payment.Status.PARTIALLY_PAID
    inv.save()
    assert click.prepare(trans_id=click_trans_id(), invoice=inv.pk, amount=som(AMOUNT))["error"] == -2
    answer = click.prepare(trans_id=click_trans_id(), invoice=inv.pk, amount=som(AMOUNT - 5_000_000))
    assert answer["error"] == 0


def test_unknown_action_is_minus_3(click):
    inv = invoice()
    fields = click.fields(action=7, trans_id=click_trans_id(), invoice=inv.pk, amount=som(AMOUNT))
    assert click.post("prepare", fields)["error"] == -3


@pytest.mark.parametrize("missing", ["click_trans_id", "amount", "sign_time", "sign_string", "action"])
def test_missing_fields_are_minus_8(click, missing):
    fields = click.fields(action=0, trans_id=click_trans_id(), invoice=invoice().pk, amount=som(AMOUNT))
    fields.pop(missing)
    assert click.post("prepare", fields)["error"] == -8


def test_garbled_amount_and_missing_prepare_id_are_minus_8(click):
    inv, tid = invoice(), click_trans_id()
    fields = click.fields(action=0, trans_id=tid, invoice=inv.pk, amount="lots")
    assert click.post("prepare", fields)["error"] == -8
    fields = click.fields(action=1, trans_id=tid, invoice=inv.pk, amount=som(AMOUNT))  # no prepare id
    assert click.post("complete", fields)["error"] == -8


def test_another_service_id_is_refused(click_settings):
    other = ClickClient(service_id="999")
    inv = invoice()
    assert other.prepare(trans_id=click_trans_id(), invoice=inv.pk, amount=som(AMOUNT))["error"] == -8


def test_complete_for_another_invoice_is_transaction_not_found(click):
    inv, other, tid = invoice(), invoice(), click_trans_id()
    prepare_id = click.prepare(trans_id=tid, invoice=inv.pk, amount=som(AMOUNT))["merchant_prepare_id"]
    assert (
        click.complete(trans_id=tid, invoice=other.pk, amount=som(AMOUNT), prepare_id=prepare_id)["error"]
        == -6
    )


def test_second_attempt_after_another_paid_is_already_paid(click):
    inv = invoice()
    t1, t2 = click_trans_id(), click_trans_id()
    p1 = click.prepare(trans_id=t1, invoice=inv.pk, amount=som(AMOUNT))["merchant_prepare_id"]
    p2 = click.prepare(trans_id=t2, invoice=inv.pk, amount=som(AMOUNT))["merchant_prepare_id"]
    assert click.complete(trans_id=t1, invoice=inv.pk, amount=som(AMOUNT), prepare_id=p1)["error"] == 0
    assert click.complete(trans_id=t2, invoice=inv.pk, amount=som(AMOUNT), prepare_id=p2)["error"] == -4
    assert PaymentHistory.objects.filter(payment=inv, to_status="paid").count() == 1
    assert click.prepare(trans_id=click_trans_id(), invoice=inv.pk, amount=som(AMOUNT))["error"] == -4


def test_disabled_click_answers_not_found_never_500(settings):
    settings.CLICK_SERVICE_ID = ""
    settings.CLICK_SECRET_KEY = ""
    client = ClickClient()
    inv = invoice()
    assert client.prepare(trans_id=click_trans_id(), invoice=inv.pk, amount=som(AMOUNT))["error"] == -5


def test_non_post_and_json_bodies_get_clicks_own_answer(click, client):
    assert client.get("/api/v1/payments/click/prepare").json()["error"] == -8
    response = client.post("/api/v1/payments/click/complete", data="{}", content_type="application/json")
    assert response.status_code == 200 and response.json()["error"] == -8


def test_a_crash_inside_is_minus_7_not_500(click, monkeypatch):
    from modules.payments.click import service

    monkeypatch.setattr(service, "prepare", lambda req: 1 / 0)
    answer = click.prepare(trans_id=click_trans_id(), invoice=invoice().pk, amount=som(AMOUNT))
    assert answer["error"] == -7


def test_cookie_less_posts_need_no_csrf_token(click_settings, uzum_settings):
    from django.test import Client

    from tests.payments.gateway_clients import UzumClient

    strict = Client(enforce_csrf_checks=True)
    click = ClickClient(client=strict)
    assert click.prepare(trans_id=click_trans_id(), invoice=invoice().pk, amount=som(AMOUNT))["error"] == 0
    code, body = UzumClient(client=strict).check(invoice().pk)
    assert code == 200 and body["status"] == "OK"

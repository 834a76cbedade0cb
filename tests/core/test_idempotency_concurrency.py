"""Concurrent requests with one Idempotency-Key, each on its own connection in autocommit as in
production: one write, the others refused while it runs (409 `idempotency_key_in_use`) or answered
from it once it committed."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from core.models import IdempotencyRecord
from modules.payments import services
from modules.payments.models import Payment
from tests.conftest import ApiClient
from tests.factories.accounts import AdminFactory, StudentFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="advisory locks need PostgreSQL"),
]

KEY = "concurrent-invoice"


def create(admin, student):
    body = {"student_id": student.pk, "amount": 120_000_00, "due_date": "2026-12-25"}
    try:
        return ApiClient(admin).post("/payments", body, headers={"Idempotency-Key": KEY})
    finally:
        connections.close_all()


def test_a_request_in_flight_refuses_the_second_and_then_answers_the_third(monkeypatch):
    admin, student = AdminFactory(), StudentFactory()
    inside, release = threading.Event(), threading.Event()
    real = services.payment_create

    def held_open(**kwargs):
        payment = real(**kwargs)  # written, not committed: the request's transaction is still open
        inside.set()
        assert release.wait(timeout=20)
        return payment

    monkeypatch.setattr(services, "payment_create", held_open)
    answers = {}
    first = threading.Thread(target=lambda: answers.setdefault("first", create(admin, student)))
    first.start()
    try:
        assert inside.wait(timeout=20)
        second = create(admin, student)
    finally:
        release.set()
        first.join(timeout=30)

    assert second.status_code == 409 and second.json()["code"] == "idempotency_key_in_use"
    assert answers["first"].status_code == 201
    third = create(admin, student)
    assert third.status_code == 201 and third["Idempotent-Replayed"] == "true"
    assert third.json() == answers["first"].json()
    assert Payment.objects.filter(student=student).count() == 1
    assert IdempotencyRecord.objects.count() == 1


def test_eight_at_once_write_one_invoice():
    admin, student = AdminFactory(), StudentFactory()
    barrier = threading.Barrier(8)
    answers: list = []

    def worker():
        barrier.wait(timeout=20)
        answers.append(create(admin, student))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(answers) == 8
    written = [a for a in answers if a.status_code == 201 and "Idempotent-Replayed" not in a]
    others = {
        (a.status_code, a.get("Idempotent-Replayed") or a.json()["code"]) for a in answers if a not in written
    }
    assert len(written) == 1
    assert others <= {(201, "true"), (409, "idempotency_key_in_use")}
    assert Payment.objects.filter(student=student).count() == 1


def test_without_the_advisory_lock_the_unique_key_still_keeps_one_write(monkeypatch):
    """What a database without advisory locks relies on (SQLite): the later of two requests that both
    ran the view fails on the unique (user_id, key) and is rolled back whole, its invoice with it."""
    from core import idempotency

    monkeypatch.setattr(idempotency, "_try_lock", lambda user_id, key: True)
    admin, student = AdminFactory(), StudentFactory()
    inside, release = threading.Event(), threading.Event()
    real = services.payment_create
    calls = []

    def first_held_open(**kwargs):
        payment = real(**kwargs)
        calls.append(payment.pk)
        if len(calls) == 1:
            inside.set()
            assert release.wait(timeout=20)
        return payment

    monkeypatch.setattr(services, "payment_create", first_held_open)
    answers = {}
    first = threading.Thread(target=lambda: answers.setdefault("first", create(admin, student)))
    first.start()
    try:
        assert inside.wait(timeout=20)
        second = create(admin, student)  # sees no record yet, writes, records, commits
    finally:
        release.set()
        first.join(timeout=30)

    assert second.status_code == 201
    assert answers["first"].status_code == 409
    assert answers["first"].json()["code"] == "idempotency_key_in_use"
    assert list(Payment.objects.filter(student=student).values_list("pk", flat=True)) == [second.json()["id"]]

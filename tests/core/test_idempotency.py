"""Idempotency-Key on creating POSTs (core/idempotency.py), on PostgreSQL: a retried request gets the
first answer and writes nothing; another body with the key is a 409; what was not answered by the
view (a 5xx, a body that did not validate) is not kept; keys live 24 hours."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from core.idempotency import purge_expired_keys
from core.models import IdempotencyRecord
from modules.audit.models import AuditLog
from modules.payments import services
from modules.payments.models import Payment

pytestmark = pytest.mark.django_db

KEY = "3f7d2c1e-invoice-1"


def invoice(student, amount=50_000_00):
    return {"student_id": student.pk, "amount": amount, "due_date": "2026-12-20"}


def post(client, path, body, key=KEY):
    return client.post(path, body, headers={"Idempotency-Key": key})


def test_a_retry_gets_the_first_answer_and_writes_nothing(api, admin, student):
    client = api(admin)
    first = post(client, "/payments", invoice(student))
    again = post(client, "/payments", invoice(student))
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert Payment.objects.filter(student=student).count() == 1
    # the stored answer is bookkeeping, not a domain action: the invoice has its entry, the key none
    assert AuditLog.objects.filter(object_type="payments.payment").count() == 1
    assert not AuditLog.objects.filter(object_type__startswith="core.").exists()


def test_key_order_and_spacing_of_the_json_do_not_matter(api, admin, student):
    client = api(admin)
    post(client, "/payments", invoice(student))
    reordered = client.client.post(
        "/api/v1/payments",
        f'{{ "due_date": "2026-12-20",  "amount": 5000000, "student_id": {student.pk} }}',
        content_type="application/json",
        headers={**client.headers, "Idempotency-Key": KEY},
    )
    assert reordered.status_code == 201 and reordered["Idempotent-Replayed"] == "true"


def test_another_body_or_endpoint_with_the_key_is_a_409(api, admin, student):
    client = api(admin)
    created = post(client, "/payments", invoice(student)).json()
    other_body = post(client, "/payments", invoice(student, amount=1))
    other_endpoint = post(client, f"/payments/{created['id']}/confirm", {"method": "cash"})
    for response in (other_body, other_endpoint):
        assert response.status_code == 409
        assert response.json()["code"] == "idempotency_key_reused"
    assert Payment.objects.filter(student=student).count() == 1


def test_keys_belong_to_one_user(api, admin, student):
    from tests.factories.accounts import AdminFactory

    post(api(admin), "/payments", invoice(student))
    second = post(api(AdminFactory()), "/payments", invoice(student))
    assert second.status_code == 201 and "Idempotent-Replayed" not in second
    assert Payment.objects.filter(student=student).count() == 2


def test_without_a_key_every_request_writes(api, admin, student):
    client = api(admin)
    assert client.post("/payments", invoice(student)).status_code == 201
    assert client.post("/payments", invoice(student)).status_code == 201
    assert Payment.objects.filter(student=student).count() == 2
    assert not IdempotencyRecord.objects.exists()


def test_a_refusal_by_the_view_is_replayed_too(api, teacher, student):
    client = api(teacher)
    first = post(client, "/payments", invoice(student))
    again = post(client, "/payments", invoice(student))
    assert first.status_code == again.status_code == 403
    assert again["Idempotent-Replayed"] == "true"


def test_a_body_that_does_not_validate_is_not_kept(api, admin, student):
    client = api(admin)
    assert post(client, "/payments", {**invoice(student), "amount": -1}).status_code == 422
    assert post(client, "/payments", invoice(student)).status_code == 201
    assert Payment.objects.filter(student=student).count() == 1


def test_a_failure_after_the_write_keeps_neither_the_write_nor_the_key(api, admin, student, monkeypatch):
    real = services.payment_create

    def write_then_fail(**kwargs):
        real(**kwargs)
        raise RuntimeError("the process died after the INSERT")

    monkeypatch.setattr(services, "payment_create", write_then_fail)
    client = api(admin)
    assert post(client, "/payments", invoice(student)).status_code == 500
    assert not Payment.objects.filter(student=student).exists()
    assert not IdempotencyRecord.objects.exists()
    monkeypatch.setattr(services, "payment_create", real)
    retried = post(client, "/payments", invoice(student))
    assert retried.status_code == 201 and "Idempotent-Replayed" not in retried


@pytest.mark.parametrize("key", ["", "x" * 256, "kalit bilan", "kalit\u00e9"])
def test_a_malformed_key_is_a_422(api, admin, student, key):
    response = post(api(admin), "/payments", invoice(student), key=key)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]
    assert not Payment.objects.exists()


def test_keys_expire_after_24_hours(api, admin, student):
    client = api(admin)
    post(client, "/payments", invoice(student))
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=24, seconds=1))
    fresh = post(client, "/payments", invoice(student))  # expired, not yet purged: runs afresh
    assert fresh.status_code == 201 and "Idempotent-Replayed" not in fresh
    assert Payment.objects.filter(student=student).count() == 2


def test_the_hourly_purge_deletes_only_expired_keys(api, admin, student):
    from core.management.commands.sync_schedules import declared_jobs

    client = api(admin)
    post(client, "/payments", invoice(student), key="old")
    post(client, "/payments", invoice(student, amount=7), key="new")
    IdempotencyRecord.objects.filter(key="old").update(created_at=timezone.now() - timedelta(hours=25))
    assert purge_expired_keys() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
    job = next(j for j in declared_jobs() if j.name == "core.purge_idempotency_keys")
    assert job.func == "core.idempotency.purge_expired_keys" and job.cron


def test_a_replay_reads_the_key_and_writes_nothing(api, admin, student):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api(admin)
    post(client, "/payments", invoice(student))
    with CaptureQueriesContext(connection) as queries:
        assert post(client, "/payments", invoice(student))["Idempotent-Replayed"] == "true"
    statements = [q["sql"].split()[0] for q in queries.captured_queries]
    # the request's transaction (a savepoint inside the test's), the user, the lock (an advisory
    # lock: PostgreSQL only), the record
    lock = ["SELECT"] if connection.vendor == "postgresql" else []
    assert statements == ["SAVEPOINT", "SELECT", *lock, "SELECT", "RELEASE"], statements

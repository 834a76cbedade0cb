"""core.write_batch: held rows are one INSERT per model at the end of the block, inside the write's
transaction; rows of a rolled-back savepoint are dropped; outside a batch or a transaction a row is
saved at once; a batch that raised but whose transaction still commits writes its rows after it."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from core.write_batch import insert_in_batch, write_batch
from modules.audit.models import AuditLog


def entry(action: str) -> AuditLog:
    return AuditLog(action=action, object_type="tests.thing", object_id="1")


def actions() -> list[str]:
    return sorted(AuditLog.objects.filter(object_type="tests.thing").values_list("action", flat=True))


@pytest.mark.django_db
def test_held_rows_are_one_insert_at_the_end_of_the_batch():
    with transaction.atomic(), CaptureQueriesContext(connection) as ctx, write_batch():
        for n in range(5):
            insert_in_batch(entry(f"a{n}"))
        assert actions() == []  # held, not yet written
    inserts = [q for q in ctx.captured_queries if q["sql"].startswith('INSERT INTO "audit_auditlog"')]
    assert len(inserts) == 1
    assert actions() == ["a0", "a1", "a2", "a3", "a4"]


@pytest.mark.django_db
def test_a_row_held_in_a_rolled_back_savepoint_is_not_written():
    with transaction.atomic(), write_batch():
        insert_in_batch(entry("kept"))
        try:
            with transaction.atomic():
                insert_in_batch(entry("rolled back"))
                raise ValueError("the inner write failed")
        except ValueError:
            pass
    assert actions() == ["kept"]


@pytest.mark.django_db
def test_a_batch_that_raises_writes_nothing_when_its_transaction_rolls_back():
    with pytest.raises(ValueError), transaction.atomic(), write_batch():
        insert_in_batch(entry("lost with the write"))
        raise ValueError
    assert actions() == []


@pytest.mark.django_db
def test_nested_batches_flush_once_at_the_outermost():
    with transaction.atomic(), CaptureQueriesContext(connection) as ctx, write_batch():
        insert_in_batch(entry("outer"))
        with write_batch():
            insert_in_batch(entry("inner"))
        assert actions() == []
    assert sum(q["sql"].startswith('INSERT INTO "audit_auditlog"') for q in ctx.captured_queries) == 1
    assert actions() == ["inner", "outer"]


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_row_is_saved_at_once():
    with write_batch():  # no transaction: nothing to be atomic with, so nothing is held
        insert_in_batch(entry("now"))
        assert actions() == ["now"]


@pytest.mark.django_db(transaction=True)
def test_a_caught_failure_that_still_commits_writes_its_rows_after_the_commit():
    with transaction.atomic():
        try:
            with write_batch():
                insert_in_batch(entry("late"))
                raise ValueError
        except ValueError:
            pass
        assert actions() == []
    assert actions() == ["late"]


@pytest.mark.django_db(transaction=True)
def test_task_rows_of_a_rolled_back_write_never_reach_the_queue(settings):
    from django_q.models import OrmQ

    from core.tasks import enqueue

    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": False}
    with pytest.raises(ValueError), transaction.atomic(), write_batch():
        enqueue("core.idempotency.purge_expired_keys")
        raise ValueError
    assert OrmQ.objects.count() == 0
    with transaction.atomic(), write_batch():
        enqueue("core.idempotency.purge_expired_keys")
        enqueue("core.idempotency.purge_expired_keys")
    assert [q.func() for q in OrmQ.objects.all()] == ["core.idempotency.purge_expired_keys"] * 2

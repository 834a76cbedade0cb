"""core.tasks.enqueue with real commits (`transaction=True`, no wrapping test transaction): with
django-q2's ORM broker on the project database the task row is written inside the caller's
transaction (an outbox row), so a worker's connection sees it only once that transaction commits,
and rolled-back work leaves none. The broker is used for real here (sync off), as qcluster uses it."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction
from django_q.conf import Conf
from django_q.models import OrmQ

from core.tasks import enqueue

pytestmark = pytest.mark.django_db(transaction=True)

TASK = "math.floor"


class Rollback(Exception):
    pass


@pytest.fixture(autouse=True)
def real_broker(monkeypatch, settings):
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": False}
    monkeypatch.setattr(Conf, "SYNC", False)


def queued() -> int:
    return OrmQ.objects.count()


def seen_by_another_connection() -> int:
    """What a worker process would see: a count read on a fresh connection of another thread."""
    result: list[int] = []

    def read():
        try:
            result.append(OrmQ.objects.count())
        finally:
            connection.close()

    reader = threading.Thread(target=read)
    reader.start()
    reader.join(timeout=30)
    return result[0]


def test_outside_a_transaction_the_task_is_queued_at_once():
    enqueue(TASK, 1.5)
    assert queued() == 1


def test_a_committed_transaction_queues_its_task():
    with transaction.atomic():
        enqueue(TASK, 1.5)
        assert queued() == 1  # written with the transaction's own work
    assert queued() == 1


def test_rolled_back_work_queues_nothing():
    with pytest.raises(Rollback), transaction.atomic():
        enqueue(TASK, 1.5)
        raise Rollback
    assert queued() == 0


def test_a_rolled_back_savepoint_drops_only_its_own_tasks():
    with transaction.atomic():
        enqueue(TASK, 1.5)
        with pytest.raises(Rollback), transaction.atomic():
            enqueue(TASK, 2.5)
            raise Rollback
    [task] = OrmQ.objects.all()
    assert task.task["args"] == (1.5,)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
def test_a_worker_sees_the_task_only_after_the_commit():
    with transaction.atomic():
        enqueue(TASK, 1.5)
        assert seen_by_another_connection() == 0
    assert seen_by_another_connection() == 1

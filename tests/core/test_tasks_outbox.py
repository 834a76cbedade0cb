"""core.tasks.enqueue is the outbox, and one failure policy holds for every task.

With the ORM broker on the project database the task row is written inside the sender's transaction
(it commits or rolls back with the write); in sync mode (no broker) the task runs only after commit.
A failing reaction never touches the sender's committed write: its task stays queued, is handed out
again once Q_CLUSTER["retry"] has passed, and each failed run is a django-q Failure."""

from __future__ import annotations

from datetime import timedelta
from multiprocessing import Value

import pytest
from django.db import connection, transaction
from django.utils import timezone

from core.tasks import enqueue

PG_ONLY = pytest.mark.skipif(connection.vendor != "postgresql", reason="transaction semantics: PostgreSQL")
ran: list[int] = []


def remember(value: int) -> None:
    ran.append(value)


@pytest.fixture
def orm_broker(settings):
    """The production set-up: the ORM broker on the project database, tasks not run in-process."""
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": False}
    ran.clear()


@pytest.fixture
def sync_mode(settings):
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": True}
    ran.clear()


class _Rollback(Exception):
    pass


def _queued(func: str) -> list:
    from django_q.models import OrmQ

    return [q for q in OrmQ.objects.all() if q.func() == func]


def run_queue_once() -> int:
    """What a qcluster does with the due rows: take them (their lock moves to now + retry), run each
    through django-q's own worker and monitor, acknowledge on success."""
    from django_q.brokers import get_broker
    from django_q.monitor import monitor
    from django_q.queues import Queue
    from django_q.signing import SignedPackage
    from django_q.worker import worker

    broker = get_broker()
    taken = broker.dequeue() or []
    tasks, results = Queue(), Queue()
    for ack_id, payload in taken:
        task = SignedPackage.loads(payload)
        task["ack_id"] = ack_id
        tasks.put(task)
    tasks.put("STOP")
    worker(tasks, results, Value("f", -1))
    results.put("STOP")
    monitor(results, broker)
    return len(taken)


@PG_ONLY
@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_write_leaves_no_task_row(orm_broker):
    with pytest.raises(_Rollback), transaction.atomic():
        enqueue("tests.core.test_tasks_outbox.remember", 1)
        assert len(_queued("tests.core.test_tasks_outbox.remember")) == 1  # written with the write
        raise _Rollback
    assert _queued("tests.core.test_tasks_outbox.remember") == []
    with transaction.atomic():
        enqueue("tests.core.test_tasks_outbox.remember", 2)
    assert len(_queued("tests.core.test_tasks_outbox.remember")) == 1
    assert ran == []  # queued, not run: the worker runs it


@PG_ONLY
@pytest.mark.django_db(transaction=True)
def test_sync_mode_runs_the_task_only_after_commit(sync_mode):
    with pytest.raises(_Rollback), transaction.atomic():
        enqueue("tests.core.test_tasks_outbox.remember", 1)
        raise _Rollback
    assert ran == []
    with transaction.atomic():
        enqueue("tests.core.test_tasks_outbox.remember", 2)
        assert ran == []  # not inside the transaction
    assert ran == [2]


@PG_ONLY
@pytest.mark.django_db(transaction=True)
def test_a_failing_reaction_leaves_the_mark_committed_and_its_task_retried(
    orm_broker, api, teacher, student, monkeypatch
):
    from django_q.models import Failure, OrmQ, Success

    from modules.attendance.models import AttendanceRecord
    from modules.gamification.models import CoinTransaction
    from tests.factories.courses import GroupFactory, MembershipFactory
    from tests.factories.lessons import LessonFactory

    group = GroupFactory(teacher=teacher)
    MembershipFactory(group=group, student=student)
    lesson = LessonFactory(group=group, starts_at=timezone.now() - timedelta(hours=1))

    def broken(**kwargs):
        raise RuntimeError("a bug in coins")

    monkeypatch.setattr("modules.gamification.services.attendance_apply", broken)
    response = api(teacher).put(
        f"/lessons/{lesson.pk}/attendance", {"records": [{"student_id": student.pk, "status": "present"}]}
    )
    assert response.status_code == 200, response.content
    assert AttendanceRecord.objects.filter(lesson=lesson, student=student, status="present").exists()
    assert len(_queued("modules.gamification.tasks.apply_attendance")) == 1

    # the worker runs it and it fails: a Failure in the admin, the task stays queued for a retry
    OrmQ.objects.update(lock=timezone.now() - timedelta(seconds=1))
    run_queue_once()
    failure = Failure.objects.get(func="modules.gamification.tasks.apply_attendance")
    assert "a bug in coins" in str(failure.result) and failure.attempt_count == 1
    [row] = _queued("modules.gamification.tasks.apply_attendance")
    assert row.lock > timezone.now()  # handed out again only once Q_CLUSTER["retry"] has passed
    assert CoinTransaction.objects.count() == 0

    # the bug is fixed; the retry is due (time moved on): it succeeds and is acknowledged
    monkeypatch.undo()
    OrmQ.objects.update(lock=timezone.now() - timedelta(seconds=1))
    run_queue_once()
    assert _queued("modules.gamification.tasks.apply_attendance") == []
    assert CoinTransaction.objects.get(student=student).amount == 10
    assert Success.objects.filter(func="modules.gamification.tasks.apply_attendance").exists()


@pytest.mark.django_db
def test_readyz_counts_failed_tasks(client):
    from django_q.models import Task

    Task.objects.create(
        id="f" * 32,
        name="failed-once",
        func="modules.gamification.tasks.apply_attendance",
        started=timezone.now(),
        stopped=timezone.now(),
        success=False,
        result="RuntimeError",
    )
    queue = client.get("/readyz").json()["checks"]["queue"]
    assert queue["failures_24h"] == 1
    assert queue["failing_tasks_24h"] == ["modules.gamification.tasks.apply_attendance"]


@PG_ONLY
@pytest.mark.django_db(transaction=True)
def test_a_failing_notification_reaction_is_retried_not_swallowed(
    orm_broker, api, teacher, student, parent, monkeypatch
):
    """The notifications module used to swallow every exception of its receivers (a bug lost alerts
    silently). Now the reaction's task fails visibly and stays queued; its retry alerts the parent once."""
    from django_q.models import Failure, OrmQ

    from modules.notifications.models import Notification
    from tests.factories.courses import GroupFactory, MembershipFactory
    from tests.factories.lessons import LessonFactory

    group = GroupFactory(teacher=teacher)
    MembershipFactory(group=group, student=student)
    lesson = LessonFactory(group=group, starts_at=timezone.now() - timedelta(hours=1))

    def broken(**kwargs):
        raise RuntimeError("a bug in alerts")

    monkeypatch.setattr("modules.notifications.reactions.attendance.attendance_marked", broken)
    response = api(teacher).put(
        f"/lessons/{lesson.pk}/attendance", {"records": [{"student_id": student.pk, "status": "absent"}]}
    )
    assert response.status_code == 200, response.content
    OrmQ.objects.update(lock=timezone.now() - timedelta(seconds=1))
    run_queue_once()
    assert Failure.objects.filter(func="modules.notifications.tasks.react").exists()
    assert len(_queued("modules.notifications.tasks.react")) == 1
    assert not Notification.objects.exists()

    monkeypatch.undo()
    for _ in range(2):  # the retry, and a duplicate delivery of it: the parent hears once
        OrmQ.objects.update(lock=timezone.now() - timedelta(seconds=1))
        run_queue_once()
    assert Notification.objects.filter(user=parent, kind="attendance_absent").count() == 1

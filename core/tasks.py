"""Background work. Tasks take ids, never objects, and read the current state when they run.

enqueue() is the outbox: with django-q2's ORM broker on the project database (production), the task
row is INSERTed inside the caller's transaction, so it commits or rolls back with the business write,
and a crash between COMMIT and enqueue cannot lose it. Only when the broker is not the database (the
synchronous test/benchmark mode, or another broker) does it wait for on_commit, so a worker never
runs with ids of rows that were rolled back.

Failure policy (the same for every task): a task that raises is not acknowledged; the broker hands it
out again once Q_CLUSTER["retry"] seconds have passed since it was taken, up to
Q_CLUSTER["max_attempts"] runs. Each failed run is a django-q Failure in the admin (with its attempt
count) and is counted in /readyz; the sender's write is never touched."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction

from core.write_batch import insert_in_batch

# A failing task stays queued and is redelivered (see the module docstring) instead of being dropped.
RETRY_FAILURES = {"ack_failure": False}


def _broker_is_the_database() -> bool:
    conf = settings.Q_CLUSTER
    return bool(conf.get("orm")) and not conf.get("sync") and conf["orm"] in settings.DATABASES


class _BatchedOrmBroker:
    """django-q2's ORM broker, but the task row goes through core.write_batch: inside a write batch
    the rows of every receiver's tasks are one INSERT at the end of the write."""

    def __init__(self):
        from django_q.conf import Conf

        self.list_key = Conf.CLUSTER_NAME  # the ORM broker's own queue name

    def enqueue(self, package: str) -> int | str:
        from django.utils import timezone
        from django_q.models import OrmQ

        row = OrmQ(key=self.list_key, payload=package, lock=timezone.now())
        insert_in_batch(row, using=settings.Q_CLUSTER["orm"])
        return row.pk or "held for the write's batch"  # what django-q logs as the enqueued id


def enqueue(func_path: str, *args: Any, **kwargs: Any) -> None:
    from django_q.tasks import async_task

    options = {**RETRY_FAILURES, "sync": bool(settings.Q_CLUSTER.get("sync"))}
    if _broker_is_the_database():
        async_task(func_path, *args, q_options={**options, "broker": _BatchedOrmBroker()}, **kwargs)
    else:
        transaction.on_commit(lambda: async_task(func_path, *args, q_options=options, **kwargs))


@dataclass(frozen=True)
class JobSpec:
    """A periodic job, declared in a module's jobs.py as JOBS = [JobSpec(...)] and
    written to django-q2's table by `manage.py sync_schedules`."""

    name: str
    func: str
    cron: str | None = None  # e.g. "0 2 * * *" (the center's time zone)
    minutes: int | None = None  # or every N minutes
    args: tuple = field(default_factory=tuple)

"""Background work: enqueue() sends a django-q2 task only after the surrounding transaction commits,
so a worker never sees ids of rows that were rolled back. Tasks take ids, never objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction


def enqueue(func_path: str, *args: Any, **kwargs: Any) -> None:
    from django_q.tasks import async_task

    transaction.on_commit(lambda: async_task(func_path, *args, **kwargs))


@dataclass(frozen=True)
class ScheduleSpec:
    """A periodic job, declared in a module's schedules.py as SCHEDULES = [ScheduleSpec(...)] and
    written to django-q2's table by `manage.py sync_schedules`."""

    name: str
    func: str
    cron: str | None = None  # e.g. "0 2 * * *" (the center's time zone)
    minutes: int | None = None  # or every N minutes
    args: tuple = field(default_factory=tuple)

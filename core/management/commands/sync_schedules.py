"""Writes the periodic jobs of core and every module (jobs.py: JOBS) to django-q2's table. Idempotent:
update_or_create by name; jobs whose declaration was removed are deleted."""

from __future__ import annotations

import importlib
import importlib.util

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone
from django_q.models import Schedule

from core.tasks import JobSpec

MANAGED_PREFIX = "markaz:"


def declared_jobs() -> list[JobSpec]:
    specs: list[JobSpec] = []
    for app in settings.INSTALLED_APPS:
        if (app == "core" or app.startswith("modules.")) and importlib.util.find_spec(f"{app}.jobs"):
            specs.extend(importlib.import_module(f"{app}.jobs").JOBS)
    return specs


def _fields(spec: JobSpec) -> dict:
    fields = {"func": spec.func, "args": repr(spec.args) if spec.args else None, "repeats": -1}
    if spec.cron:
        fields.update(schedule_type=Schedule.CRON, cron=spec.cron, minutes=None)
    else:
        fields.update(schedule_type=Schedule.MINUTES, minutes=spec.minutes or 60, cron=None)
    return fields


class Command(BaseCommand):
    help = "Write all periodic jobs to django-q2's schedule table (idempotent)."

    def handle(self, *args, **options):
        names = []
        for spec in declared_jobs():
            name = MANAGED_PREFIX + spec.name
            names.append(name)
            obj, created = Schedule.objects.update_or_create(
                name=name,
                defaults=_fields(spec),
                create_defaults={**_fields(spec), "next_run": timezone.now()},
            )
            self.stdout.write(f"{'created' if created else 'updated'} {name}")
        stale = Schedule.objects.filter(name__startswith=MANAGED_PREFIX).exclude(name__in=names)
        removed = stale.count()
        stale.delete()
        self.stdout.write(self.style.SUCCESS(f"{len(names)} schedules in sync, {removed} removed"))

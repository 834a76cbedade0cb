"""Builds (idempotently) a demo center. Each module may add its part in `<module>/seed.py` with a
`seed(stdout, *, students)` function; they run in INSTALLED_APPS order, each in its own transaction.
With --students N, each module's `<module>/seed_scale.py` `seed_scale(stdout, *, students)` then
adds its share of a large center (people and groups, a term of lessons, attendance, homework,
invoices, coins), in the same order."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterator
from types import ModuleType

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction


def _hooks(name: str) -> Iterator[tuple[str, ModuleType]]:
    for app in settings.INSTALLED_APPS:
        if app.startswith("modules.") and importlib.util.find_spec(f"{app}.{name}") is not None:
            yield app.removeprefix("modules."), importlib.import_module(f"{app}.{name}")


class Command(BaseCommand):
    help = "Create the demo center (idempotent). --students N builds a large one for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--students", type=int, default=0, help="extra students for a large demo center")

    def handle(self, *args, students: int, **options):
        for label, module in _hooks("seed"):
            self.stdout.write(f"seeding {label}")
            with transaction.atomic():
                module.seed(self.stdout, students=students)
        if students:
            self.stdout.write(f"building the scale demo ({students} students)")
            for label, module in _hooks("seed_scale"):
                self.stdout.write(f"scale demo: {label}")
                with transaction.atomic():
                    module.seed_scale(self.stdout, students=students)
        self.stdout.write(self.style.SUCCESS("demo center ready"))

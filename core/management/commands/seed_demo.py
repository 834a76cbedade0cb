"""Builds (idempotently) a demo center. Each module may add its part in `<module>/seed.py` with a
`seed(stdout, *, students)` function; they run in INSTALLED_APPS order inside one transaction."""

from __future__ import annotations

import importlib
import importlib.util

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Create the demo center (idempotent). --students N builds a large one for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--students", type=int, default=0, help="extra students for a large demo center")

    def handle(self, *args, students: int, **options):
        for app in settings.INSTALLED_APPS:
            if not app.startswith("modules.") or importlib.util.find_spec(f"{app}.seed") is None:
                continue
            module = importlib.import_module(f"{app}.seed")
            self.stdout.write(f"seeding {app.removeprefix('modules.')}")
            with transaction.atomic():
                module.seed(self.stdout, students=students)
        if students:
            from core.scale_demo import build

            self.stdout.write(f"building the scale demo ({students} students)")
            build(self.stdout, students)
        self.stdout.write(self.style.SUCCESS("demo center ready"))

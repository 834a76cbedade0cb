"""`manage.py load_uz_holidays [--year 2026 ...] [--no-movable]`: adds Uzbekistan's public holidays
as Holiday rows (is_public). Idempotent: a holiday with the same name and start is left as it is."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from modules.courses.holidays_uz import MOVABLE, public_holidays
from modules.courses.services.catalog import holidays_load


class Command(BaseCommand):
    help = "Load Uzbekistan's public holidays for one or more years (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--year", type=int, action="append", help="a year (repeatable); default this and next"
        )
        parser.add_argument("--no-movable", action="store_true", help="skip the lunar Hayit days")

    def handle(self, *args, year: list[int] | None, no_movable: bool, **options):
        this_year = timezone.localdate().year
        years = year or [this_year, this_year + 1]
        for y in years:
            if not 2000 <= y <= 2100:
                raise CommandError(f"year out of range: {y}")
            if not no_movable and y not in MOVABLE:
                self.stderr.write(f"{y}: Hayit dates unknown; add them in the admin once announced")
            created, existing = holidays_load(rows=public_holidays(y, include_movable=not no_movable))
            self.stdout.write(f"{y}: {created} holidays added, {existing} already there")

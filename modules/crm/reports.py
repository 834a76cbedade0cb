"""The funnel report: leads created in a period (local days), by current stage, with conversion
lead → trial → won, per source and per assignee, the median days from enquiry to won, and why leads
were lost. Four queries whatever the number of leads: the counting is one GROUP BY."""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from modules.accounts.models import User
from modules.crm.models import Lead, Status

STAGES = [s.value for s in Status]


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def funnel_leads(
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    branches: frozenset[int] | None = None,
    source: str | None = None,
    assignee: int | None = None,
) -> QuerySet[Lead]:
    """`branches`: the leads of these branches only (None: all, unplaced leads included)."""
    qs = Lead.objects.all() if branches is None else Lead.objects.filter(branch_id__in=branches)
    if date_from:
        qs = qs.filter(created_at__gte=_day_start(date_from))
    if date_to:
        qs = qs.filter(created_at__lt=_day_start(date_to + timedelta(days=1)))
    for field, value in (("source", source), ("assignee_id", assignee)):
        if value is not None:
            qs = qs.filter(**{field: value})
    return qs


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


class _Slice:
    """Counts of one cut of the leads (all, one source, one assignee)."""

    def __init__(self):
        self.stages = dict.fromkeys(STAGES, 0)
        self.trials = 0
        self.won_after_trial = 0

    def add(self, status: str, n: int, trials: int, won_after_trial: int) -> None:
        self.stages[status] += n
        self.trials += trials
        self.won_after_trial += won_after_trial

    @property
    def count(self) -> int:
        return sum(self.stages.values())

    def as_dict(self) -> dict:
        won = self.stages[Status.WON]
        return {
            "count": self.count,
            "trials": self.trials,
            "stages": [{"status": s, "count": n} for s, n in self.stages.items()],
            "conversion": {
                "lead_to_trial": _rate(self.trials, self.count),
                "trial_to_won": _rate(self.won_after_trial, self.trials),
                "lead_to_won": _rate(won, self.count),
            },
        }


def _median_days(qs: QuerySet[Lead]) -> float | None:
    spans = qs.filter(status=Status.WON, won_at__isnull=False).annotate(span=F("won_at") - F("created_at"))
    days = [span.total_seconds() / 86400 for span in spans.values_list("span", flat=True)]
    return round(statistics.median(days), 2) if days else None


def funnel(**filters) -> dict:
    qs = funnel_leads(**{k: v for k, v in filters.items() if k != "format"})
    rows = (
        qs.order_by()
        .values("source", "assignee_id", "status")
        .annotate(
            n=Count("id"),
            trials=Count("id", filter=Q(trial_booked_at__isnull=False)),
            won_after_trial=Count("id", filter=Q(trial_booked_at__isnull=False, status=Status.WON)),
        )
    )
    total, by_source, by_assignee = _Slice(), defaultdict(_Slice), defaultdict(_Slice)
    for row in rows:
        args = (row["status"], row["n"], row["trials"], row["won_after_trial"])
        for cut in (total, by_source[row["source"]], by_assignee[row["assignee_id"]]):
            cut.add(*args)
    people = {u.pk: u for u in User.objects.filter(pk__in=[k for k in by_assignee if k is not None])}
    lost = (
        qs.filter(status=Status.LOST)
        .order_by()
        .values("lost_reason")
        .annotate(n=Count("id"))
        .order_by("-n", "lost_reason")
    )
    summary = total.as_dict()
    return {
        "date_from": filters.get("date_from"),
        "date_to": filters.get("date_to"),
        "total": summary["count"],
        "trials": summary["trials"],
        "stages": summary["stages"],
        "conversion": summary["conversion"],
        "median_days_to_convert": _median_days(qs),
        "by_source": [{"source": k, **v.as_dict()} for k, v in sorted(by_source.items())],
        "by_assignee": [
            {"assignee": people.get(k), **v.as_dict()}
            for k, v in sorted(by_assignee.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))
        ],
        "lost_reasons": [{"reason": r["lost_reason"], "count": r["n"]} for r in lost[:50]],
    }


def funnel_table(report: dict) -> tuple[list[str], list[list]]:
    """One row for all leads, then one per source and per assignee; lost reasons at the end."""
    headers = ["section", "key", "leads", *STAGES, "trials", "lead_to_trial", "trial_to_won", "lead_to_won"]

    def line(section: str, key: str, cut: dict) -> list:
        conv = cut["conversion"]
        stages = [s["count"] for s in cut["stages"]]
        return [
            section,
            key,
            cut["count"],
            *stages,
            cut["trials"],
            conv["lead_to_trial"],
            conv["trial_to_won"],
            conv["lead_to_won"],
        ]

    rows = [line("all", "", {"count": report["total"], **report})]
    rows += [line("source", s["source"], s) for s in report["by_source"]]
    rows += [
        line("assignee", s["assignee"].full_name if s["assignee"] else "(unassigned)", s)
        for s in report["by_assignee"]
    ]
    rows += [["lost_reason", r["reason"], r["count"]] for r in report["lost_reasons"]]
    rows += [["median_days_to_convert", "", report["median_days_to_convert"]]]
    return headers, rows

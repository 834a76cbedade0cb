"""The funnel report: stages, conversion, per source and assignee, median days, lost reasons, the
period and filters, CSV/XLSX, and a fixed number of queries."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from modules.crm.models import Lead
from tests.factories.crm import LeadFactory


def _lead(days_ago: int = 0, won_after: float | None = None, trial: bool = False, **fields) -> Lead:
    lead = LeadFactory(**fields)
    created = timezone.now() - timedelta(days=days_ago)
    extra = {"created_at": created}
    if trial:
        extra["trial_booked_at"] = created + timedelta(days=1)
    if won_after is not None:
        extra.update(status="won", won_at=created + timedelta(days=won_after))
    Lead.objects.filter(pk=lead.pk).update(**extra)
    return lead


@pytest.fixture
def leads(teacher):
    _lead(source="website", assignee=teacher)
    _lead(source="website", status="contacted", trial=True)
    _lead(source="instagram", trial=True, won_after=4, assignee=teacher)
    _lead(source="instagram", won_after=10)
    _lead(source="instagram", status="lost", lost_reason="too expensive")
    _lead(source="referral", status="lost", lost_reason="too expensive")
    _lead(source="referral", status="lost", lost_reason="far away")
    _lead(days_ago=60, source="website")  # outside the period below


def _period():
    today = timezone.localdate()
    return {"date_from": (today - timedelta(days=30)).isoformat(), "date_to": today.isoformat()}


def test_funnel_counts_and_conversion(api, admin, teacher, leads):
    body = api(admin).get("/leads/reports/funnel", _period()).json()
    assert body["total"] == 7
    assert {s["status"]: s["count"] for s in body["stages"]} == {
        "new": 1,
        "contacted": 1,
        "trial_scheduled": 0,
        "trial_attended": 0,
        "won": 2,
        "lost": 3,
    }
    assert body["conversion"] == {
        "lead_to_trial": round(2 / 7, 4),
        "trial_to_won": 0.5,
        "lead_to_won": round(2 / 7, 4),
    }
    assert body["median_days_to_convert"] == 7.0
    assert body["lost_reasons"] == [
        {"reason": "too expensive", "count": 2},
        {"reason": "far away", "count": 1},
    ]
    by_source = {
        s["source"]: (s["count"], s["trials"], s["conversion"]["lead_to_won"]) for s in body["by_source"]
    }
    assert by_source == {
        "instagram": (3, 1, round(2 / 3, 4)),
        "referral": (2, 0, 0.0),
        "website": (2, 1, 0.0),
    }
    by_assignee = {(a["assignee"] or {}).get("id"): a["count"] for a in body["by_assignee"]}
    assert by_assignee == {teacher.pk: 2, None: 5}


def test_funnel_filters(api, admin, teacher, leads):
    client = api(admin)
    assert client.get("/leads/reports/funnel").json()["total"] == 8
    assert client.get("/leads/reports/funnel", {**_period(), "source": "instagram"}).json()["total"] == 3
    assert client.get("/leads/reports/funnel", {"assignee": teacher.pk}).json()["total"] == 2
    empty = client.get("/leads/reports/funnel", {"branch": 999999}).json()
    assert empty["total"] == 0 and empty["conversion"]["lead_to_won"] is None
    assert (
        client.get("/leads/reports/funnel", {"date_from": "2026-02-02", "date_to": "2026-01-01"}).status_code
        == 422
    )


def test_funnel_csv_and_xlsx(api, admin, leads):
    client = api(admin)
    csv = client.get("/leads/reports/funnel", {**_period(), "format": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("section,key,leads,new,contacted")
    assert lines[1].startswith("all,,7,1,1,0,0,2,3,2,")
    assert any(line.startswith("lost_reason,too expensive,2") for line in lines)
    xlsx = client.get("/leads/reports/funnel", {**_period(), "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[2]][:3] == ["all", None, 7]


def test_funnel_runs_a_fixed_number_of_queries(api, admin, teacher, leads, django_assert_max_num_queries):
    from modules.crm.reports import funnel

    with django_assert_max_num_queries(4):
        funnel()
    for _ in range(30):
        _lead(source="telegram", assignee=admin, won_after=2, trial=True)
    with django_assert_max_num_queries(4):
        assert funnel()["total"] == 38

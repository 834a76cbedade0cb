"""The website's form: no login, always the same 202, a honeypot, limits per address and per phone,
and a burst of 1,000 posts that changes nothing else."""

from __future__ import annotations

import pytest

from modules.crm.models import Lead, LeadEvent
from modules.notifications.models import Notification
from tests.factories.crm import LeadFactory

FORM = {"first_name": "Sardor", "phone": "+998 91 700 00 01", "message": "IELTS evening group?"}


@pytest.fixture
def rates(settings):
    settings.THROTTLE_RATES = {
        **settings.THROTTLE_RATES,
        "public_lead_ip": "50/hour",
        "public_lead_phone": "3/hour",
    }
    return settings.THROTTLE_RATES


def test_new_and_known_phones_get_the_same_answer(api, rates):
    first = api().post("/public/leads", FORM)
    LeadFactory(phone="+998917000002", status="contacted")
    known = api().post("/public/leads", {**FORM, "phone": "917000002"})
    assert first.status_code == known.status_code == 202
    assert first.json() == known.json()
    lead = Lead.objects.get(phone="+998917000001")
    assert (lead.source, lead.status, lead.notes) == ("website", "new", "Website: IELTS evening group?")
    repeated = Lead.objects.get(phone="+998917000002")
    assert repeated.source == "walk_in"  # the open lead is kept, the enquiry added to its history
    assert LeadEvent.objects.filter(lead=repeated, kind="enquiry").count() == 1


def test_a_new_web_lead_is_announced_to_admins(api, admin, rates, run_on_commit):
    with run_on_commit():
        api().post("/public/leads", FORM)
    note = Notification.objects.get(user=admin)
    assert note.data == {"event": "lead_new", "lead_id": Lead.objects.get().pk}
    assert "Sardor" in note.title
    from modules.crm.tasks import notify_new_lead

    assert notify_new_lead(Lead.objects.get().pk) == 0  # idempotent: already told


def test_the_honeypot_is_answered_the_same_and_kept_nowhere(api, rates):
    response = api().post("/public/leads", {**FORM, "website": "http://spam.example"})
    assert response.status_code == 202
    assert not Lead.objects.exists()


def test_bad_phone_is_422_and_unknown_ids_are_ignored(api, rates):
    assert api().post("/public/leads", {**FORM, "phone": "12"}).status_code == 422
    ok = api().post("/public/leads", {**FORM, "course_id": 999999, "branch_id": 999999})
    assert ok.status_code == 202
    assert Lead.objects.get().course_id is None


def test_per_phone_limit_in_any_spelling(api, rates):
    spellings = ["+998917000001", "91 700 00 01", "998917000001", "(91) 700-00-01"]
    codes = [api().post("/public/leads", {**FORM, "phone": p}).status_code for p in spellings]
    assert codes == [202, 202, 202, 429]


def test_per_address_limit(api, settings):
    settings.THROTTLE_RATES = {
        **settings.THROTTLE_RATES,
        "public_lead_ip": "5/hour",
        "public_lead_phone": "100/hour",
    }
    codes = [
        api().post("/public/leads", {**FORM, "phone": f"+99891700{i:04d}"}).status_code for i in range(7)
    ]
    assert codes == [202] * 5 + [429] * 2
    assert Lead.objects.count() == 5
    limited = api().post("/public/leads", FORM)
    assert limited.json()["code"] == "throttled"


def test_a_burst_of_1000_posts_is_throttled_and_nothing_else_is_affected(api, admin, settings):
    settings.THROTTLE_RATES = {
        **settings.THROTTLE_RATES,
        "public_lead_ip": "20/hour",
        "public_lead_phone": "3/hour",
    }
    anonymous = api()
    codes = [
        anonymous.post("/public/leads", {**FORM, "phone": f"+9989170{i % 50:05d}"}).status_code
        for i in range(1000)
    ]
    assert codes.count(202) == 20
    assert codes.count(429) == 980
    assert Lead.objects.count() == 20
    # the rest of the API still answers, for the staff and for another address
    assert api(admin).get("/leads").json()["count"] == 20
    other = api().post("/public/leads", {**FORM, "phone": "+998917777777"}, REMOTE_ADDR="10.0.0.2")
    assert other.status_code == 202

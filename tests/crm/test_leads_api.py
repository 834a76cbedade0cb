"""Leads through the API: create (one open lead per phone), list with filters/search/ordering,
edit and status transitions, history and contacts, and who may use any of it."""

from __future__ import annotations

import pytest

from modules.crm.models import Lead, LeadEvent
from tests.factories.accounts import TeacherFactory
from tests.factories.crm import LeadFactory

ENQUIRY = {"first_name": "Aziza", "phone": "90 123 45 67", "source": "instagram"}


def test_create_stores_e164_and_history(api, admin):
    response = api(admin).post("/leads", ENQUIRY)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["phone"] == "+998901234567"
    assert body["status"] == "new" and body["source"] == "instagram"
    events = list(LeadEvent.objects.filter(lead_id=body["id"]).values_list("kind", "actor_id"))
    assert events == [("created", admin.pk)]


def test_repeat_enquiry_with_same_phone_updates_the_open_lead(api, admin, teacher):
    first = api(admin).post("/leads", ENQUIRY).json()
    again = api(admin).post(
        "/leads",
        {**ENQUIRY, "phone": "+998 90 123-45-67", "notes": "called again", "assignee_id": teacher.pk},
    )
    assert again.status_code == 200
    assert again.json()["id"] == first["id"]
    assert again.json()["assignee"]["id"] == teacher.pk
    assert "called again" in again.json()["notes"]
    assert Lead.objects.count() == 1
    assert LeadEvent.objects.filter(lead_id=first["id"], kind="enquiry").count() == 1


def test_a_closed_lead_does_not_absorb_a_new_enquiry(api, admin):
    LeadFactory(phone="+998901234567", status="lost", lost_reason="price")
    response = api(admin).post("/leads", ENQUIRY)
    assert response.status_code == 201
    assert Lead.objects.filter(phone="+998901234567").count() == 2


@pytest.mark.parametrize(
    "body, loc",
    [
        ({**ENQUIRY, "phone": "12345"}, "phone"),
        ({**ENQUIRY, "source": "pigeon"}, "source"),
        ({**ENQUIRY, "course_id": 999999}, "course_id"),
        ({**ENQUIRY, "unknown": 1}, "unknown"),
    ],
)
def test_bad_input_is_422(api, admin, body, loc):
    response = api(admin).post("/leads", body)
    assert response.status_code == 422
    assert any(loc in [str(x) for x in item["loc"]] for item in response.json()["detail"])


def test_assignee_must_be_staff(api, admin, student):
    response = api(admin).post("/leads", {**ENQUIRY, "assignee_id": student.pk})
    assert response.status_code == 422
    assert response.json()["code"] == "not_staff"


def test_list_filters_search_and_ordering(api, admin, teacher):
    a = LeadFactory(first_name="Anvar", status="new", source="website", assignee=teacher)
    b = LeadFactory(first_name="Bobur", status="contacted", source="website")
    c = LeadFactory(first_name="Charos", status="new", source="referral", phone="+998977654321")
    client = api(admin)
    ids = lambda **p: [x["id"] for x in client.get("/leads", p).json()["items"]]  # noqa: E731
    assert client.get("/leads").json()["count"] == 3
    assert ids(status="new", ordering="first_name") == [a.pk, c.pk]
    assert ids(source="website", ordering="-first_name") == [b.pk, a.pk]
    assert ids(assignee=teacher.pk) == [a.pk]
    assert ids(search="bob") == [b.pk]
    assert ids(search="97 765 43") == [c.pk]
    assert client.get("/leads", {"ordering": "phone; drop"}).status_code == 422


def test_list_runs_a_constant_number_of_queries(api, admin, teacher, django_assert_max_num_queries):
    for _ in range(15):
        LeadFactory(assignee=teacher)
    client = api(admin)
    with django_assert_max_num_queries(4):
        assert len(client.get("/leads", {"limit": 15}).json()["items"]) == 15


def test_patch_moves_status_and_lost_needs_a_reason(api, admin):
    lead = LeadFactory()
    client = api(admin)
    assert client.patch(f"/leads/{lead.pk}", {"status": "contacted"}).json()["status"] == "contacted"
    missing = client.patch(f"/leads/{lead.pk}", {"status": "lost"})
    assert missing.status_code == 422
    lost = client.patch(f"/leads/{lead.pk}", {"status": "lost", "lost_reason": "chose another center"})
    assert lost.status_code == 200
    assert lost.json()["lost_reason"] == "chose another center"
    again = client.patch(f"/leads/{lead.pk}", {"status": "contacted"})
    assert again.status_code == 409
    assert again.json()["code"] == "invalid_transition"
    history = client.get(f"/leads/{lead.pk}/history").json()["items"]
    assert [(e["from_status"], e["to_status"]) for e in history if e["kind"] == "status"] == [
        ("new", "contacted"),
        ("contacted", "lost"),
    ]
    assert history[-1]["actor"]["id"] == admin.pk


def test_won_is_only_reached_by_convert(api, admin):
    lead = LeadFactory()
    response = api(admin).patch(f"/leads/{lead.pk}", {"status": "won"})
    assert response.status_code == 409
    assert response.json()["allowed"] == ["contacted", "lost"]


def test_patch_assignee_and_unassign(api, admin, teacher):
    lead = LeadFactory()
    client = api(admin)
    assert (
        client.patch(f"/leads/{lead.pk}", {"assignee_id": teacher.pk}).json()["assignee"]["id"] == teacher.pk
    )
    assert client.patch(f"/leads/{lead.pk}", {"assignee_id": None}).json()["assignee"] is None
    kinds = [e["kind"] for e in client.get(f"/leads/{lead.pk}/history").json()["items"]]
    assert kinds.count("assigned") == 2


def test_contact_is_logged_and_reaching_a_new_lead_makes_it_contacted(api, admin):
    lead = LeadFactory()
    client = api(admin)
    note = client.post(f"/leads/{lead.pk}/contacts", {"kind": "note", "note": "prefers evenings"})
    assert note.status_code == 201
    assert Lead.objects.get(pk=lead.pk).status == "new"
    call = client.post(f"/leads/{lead.pk}/contacts", {"kind": "call", "note": "no answer"})
    assert call.json()["kind"] == "call" and call.json()["actor"]["id"] == admin.pk
    assert Lead.objects.get(pk=lead.pk).status == "contacted"


def test_history_is_append_only(db):
    lead = LeadFactory()
    row = LeadEvent.objects.create(lead=lead, kind="note", note="x")
    with pytest.raises(ValueError):
        row.save()
    with pytest.raises(ValueError):
        row.delete()


def test_unknown_lead_is_404(api, admin):
    assert api(admin).get("/leads/999999").status_code == 404


@pytest.mark.parametrize("persona", ["teacher", "student", "parent", "outsider"])
def test_only_admins_use_the_front_office(api, request, persona):
    user = request.getfixturevalue(persona)
    lead = LeadFactory()
    client = api(user)
    calls = [
        client.get("/leads"),
        client.post("/leads", ENQUIRY),
        client.get(f"/leads/{lead.pk}"),
        client.patch(f"/leads/{lead.pk}", {"notes": "x"}),
        client.get(f"/leads/{lead.pk}/history"),
        client.post(f"/leads/{lead.pk}/contacts", {"kind": "note"}),
        client.post(f"/leads/{lead.pk}/trial", {"lesson_id": 1}),
        client.post(f"/leads/{lead.pk}/convert", {"group_id": 1}),
        client.get("/leads/reports/funnel"),
    ]
    assert [r.status_code for r in calls] == [403] * len(calls)
    assert Lead.objects.count() == 1


def test_anonymous_is_401(api):
    lead = LeadFactory()
    assert api().get("/leads").status_code == 401
    assert api().get(f"/leads/{lead.pk}").status_code == 401


def test_a_deactivated_assignee_is_refused(api, admin):
    gone = TeacherFactory(is_active=False)
    assert api(admin).post("/leads", {**ENQUIRY, "assignee_id": gone.pk}).status_code == 422

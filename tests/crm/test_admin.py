"""The leads board in the admin: it renders with its filters, and its actions go through the
services (history written)."""

from __future__ import annotations

from django.test import Client

from modules.attendance.models import TrialVisit
from modules.crm.models import Lead, LeadEvent
from tests.factories.crm import LeadFactory


def _board(admin) -> Client:
    client = Client()
    client.force_login(admin)
    return client


def _act(client, action: str, leads) -> None:
    response = client.post(
        "/admin/crm/lead/", {"action": action, "_selected_action": [lead.pk for lead in leads]}, follow=True
    )
    assert response.status_code == 200


def test_board_renders_with_filters(admin, teacher):
    LeadFactory(first_name="Board", assignee=teacher)
    client = _board(admin)
    page = client.get("/admin/crm/lead/", {"status__exact": "new", "assignee__id__exact": teacher.pk})
    assert page.status_code == 200
    assert b"Board" in page.content
    assert client.get(f"/admin/crm/lead/{Lead.objects.get().pk}/change/").status_code == 200


def test_assign_and_mark_contacted_actions(admin):
    fresh, further = LeadFactory(), LeadFactory(status="trial_attended")
    client = _board(admin)
    _act(client, "assign_to_me", [fresh, further])
    assert set(Lead.objects.values_list("assignee_id", flat=True)) == {admin.pk}
    _act(client, "mark_contacted", [fresh, further])
    assert dict(Lead.objects.values_list("pk", "status")) == {
        fresh.pk: "contacted",
        further.pk: "trial_attended",
    }
    assert LeadEvent.objects.filter(kind="status", actor=admin).count() == 1


def test_book_trial_action_picks_the_soonest_lesson_with_room(admin, lead, future_lesson):
    stray = LeadFactory()  # no course: nothing to book
    _act(_board(admin), "book_trial", [lead, stray])
    assert list(TrialVisit.objects.values_list("lead_id", "lesson_id")) == [(lead.pk, future_lesson.pk)]
    assert Lead.objects.get(pk=lead.pk).status == "trial_scheduled"
    assert Lead.objects.get(pk=stray.pk).status == "new"

"""Branch rules of money, the front office and payroll, one by one: what a branch admin's reports
count, what a body naming another branch gets (422 branch_forbidden), where a new record goes."""

from __future__ import annotations

import pytest

from modules.crm.models import Lead
from modules.payroll.models import PayrollRun
from tests.branches.conftest import World
from tests.branches.walker import text_of
from tests.factories.accounts import AdminFactory
from tests.factories.crm import LeadFactory
from tests.payroll.helpers import PERIOD

REPORTS = [
    "/payments/reports/cashbox",
    "/payments/reports/revenue-by-month",
    "/payments/reports/revenue-by-group",
    "/payments/reports/debtors",
    "/leads/reports/funnel",
    "/payroll/runs",
]


def _forbidden(response, field: str) -> None:
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "branch_forbidden"
    assert body["detail"][0]["loc"] == ["body", field]


@pytest.mark.parametrize("path", REPORTS)
def test_a_branch_admin_asking_for_another_branch_gets_a_404(world: World, api, path):
    response = api(world.a.admin).get(path, {"branch": world.b.branch.pk})
    assert response.status_code == 404
    assert api(world.a.admin).get(path, {"branch": world.a.branch.pk}).status_code == 200


def test_revenue_and_the_cash_desk_count_only_the_callers_branch(world: World, api):
    amount = 50_000_000  # one paid invoice per branch
    mine = api(world.a.admin).get("/payments/reports/revenue-by-month").json()["items"]
    everything = api(world.director).get("/payments/reports/revenue-by-month").json()["items"]
    assert sum(row["amount"] for row in mine) == amount
    assert sum(row["amount"] for row in everything) == 2 * amount
    desk = api(world.a.admin).get("/payments/reports/cashbox").json()
    assert desk["net"] == amount and len(desk["records"]) == 1
    per_branch = api(world.director).get("/payments/reports/cashbox", {"branch": world.b.branch.pk}).json()
    assert per_branch["branch"] == world.b.branch.pk and per_branch["net"] == amount


def test_an_invoice_without_a_group_belongs_to_the_students_branches(world: World, api):
    loose_a, loose_b = world.a.ids["loose_payment_id"], world.b.ids["loose_payment_id"]
    assert api(world.a.admin).get(f"/payments/{loose_a}").status_code == 200
    assert api(world.a.admin).get(f"/payments/{loose_b}").status_code == 404
    debtors = api(world.a.admin).get("/payments/reports/debtors").json()["items"]
    assert [row["student"]["id"] for row in debtors] == [world.a.ids["student_id"]]


def test_an_invoice_for_another_branchs_group_or_student_is_refused(world: World, api):
    client = api(world.a.admin)
    body = {"student_id": world.a.ids["student_id"], "amount": 1_000_000, "due_date": "2026-12-20"}
    _forbidden(client.post("/payments", {**body, "group_id": world.b.ids["group_id"]}), "group_id")
    _forbidden(client.post("/payments", {**body, "student_id": world.b.ids["student_id"]}), "student_id")
    assert client.post("/payments", {**body, "group_id": world.a.ids["group_id"]}).status_code == 201


def test_a_billing_schedule_of_another_branchs_membership_is_refused(world: World, api):
    response = api(world.a.admin).post(
        "/payment-schedules", {"membership_id": world.b.ids["membership_id"], "due_day": 5}
    )
    _forbidden(response, "membership_id")


def test_balances_are_the_branchs_students(world: World, api):
    client = api(world.a.admin)
    assert client.get(f"/students/{world.a.ids['student_id']}/balance").status_code == 200
    assert client.get(f"/students/{world.b.ids['student_id']}/balance").status_code == 404
    deposit = client.post(
        f"/students/{world.b.ids['student_id']}/balance/deposits", {"amount": 1_000_000, "method": "cash"}
    )
    assert deposit.status_code == 404


def test_a_new_lead_goes_to_the_branch_admins_branch_and_never_to_another(world: World, api):
    client = api(world.a.admin)
    created = client.post("/leads", {"first_name": "Nodir", "phone": "+998901234501", "source": "walk_in"})
    assert created.status_code == 201 and created.json()["branch"]["id"] == world.a.branch.pk
    other = {"first_name": "Olim", "phone": "+998901234502", "source": "walk_in"}
    _forbidden(client.post("/leads", {**other, "branch_id": world.b.branch.pk}), "branch_id")
    moved = client.patch(f"/leads/{world.a.ids['lead_id']}", {"branch_id": world.b.branch.pk})
    _forbidden(moved, "branch_id")


def test_an_enquiry_for_a_phone_open_in_another_branch_is_a_conflict_not_a_look_at_it(world: World, api):
    phone = Lead.objects.get(pk=world.b.ids["lead_id"]).phone
    response = api(world.a.admin).post("/leads", {"first_name": "X", "phone": phone, "source": "walk_in"})
    assert response.status_code == 409 and response.json()["code"] == "lead_in_other_branch"
    assert world.b.marker not in text_of(response)


def test_an_unplaced_lead_is_every_branchs_to_pick_up(world: World, api):
    unplaced = LeadFactory(first_name="Nobody", branch=None)
    for side in (world.a, world.b):
        listed = [row["id"] for row in api(side.admin).get("/leads").json()["items"]]
        assert unplaced.pk in listed and world.other(side).ids["lead_id"] not in listed
    claimed = api(world.a.admin).patch(f"/leads/{unplaced.pk}", {"branch_id": world.a.branch.pk})
    assert claimed.status_code == 200
    assert api(world.b.admin).get(f"/leads/{unplaced.pk}").status_code == 404


def test_convert_and_trial_into_another_branch_are_refused(world: World, api):
    client = api(world.a.admin)
    lead = world.a.ids["lead_id"]
    _forbidden(client.post(f"/leads/{lead}/convert", {"group_id": world.b.ids["group_id"]}), "group_id")
    trial = client.post(f"/leads/{lead}/trial", {"lesson_id": world.b.ids["upcoming_lesson_id"]})
    assert trial.status_code == 422


def test_the_funnel_counts_the_callers_branches(world: World, api):
    def total(user, **query):
        stages = api(user).get("/leads/reports/funnel", query).json()["stages"]
        return sum(stage["count"] for stage in stages)

    assert total(world.a.admin) == 1
    assert total(world.director) == 2
    assert total(world.director, branch=world.b.branch.pk) == 1


def test_a_branch_admin_runs_only_their_branchs_payroll(world: World, api):
    client = api(world.a.admin)
    runs = client.get("/payroll/runs").json()["items"]
    assert [run["id"] for run in runs] == [world.a.ids["run_id"]]
    again = client.post("/payroll/runs", {"period": "2026-11"})  # their only branch, derived
    assert again.status_code == 200 and again.json()["id"] == world.a.ids["run_id"]
    _forbidden(
        client.post("/payroll/runs", {"period": "2026-11", "branch_id": world.b.branch.pk}), "branch_id"
    )
    assert client.get(f"/payroll/runs/{world.b.ids['run_id']}").status_code == 404
    statements = client.get("/payroll/statements").json()["items"]
    assert [s["run_id"] for s in statements] == [world.a.ids["run_id"]]  # recomputed: a new statement


def test_a_rate_or_adjustment_for_another_branchs_teacher_is_refused(world: World, api):
    from tests.factories.accounts import TeacherFactory
    from tests.factories.courses import GroupFactory

    theirs = TeacherFactory()
    GroupFactory(branch=world.b.branch, teacher=theirs)
    client = api(world.a.admin)
    rate = {"teacher_id": theirs.pk, "kind": "per_lesson", "amount": 1, "active_from": "2026-01-01"}
    _forbidden(client.post("/payroll/rates", rate), "teacher_id")
    adjustment = {"teacher_id": theirs.pk, "kind": "bonus", "amount": 1, "reason": "x"}
    _forbidden(client.post(f"/payroll/runs/{world.a.ids['run_id']}/adjustments", adjustment), "teacher_id")


def test_a_branch_admin_of_two_branches_names_the_branch_of_a_run(world: World, api):
    both = AdminFactory()
    both.staff_branches.add(world.a.branch, world.b.branch)
    response = api(both).post("/payroll/runs", {"period": "2026-10"})
    assert response.status_code == 422 and response.json()["code"] == "branch_required"
    assert not PayrollRun.objects.filter(period=PERIOD.replace(month=10)).exists()
    assert len(api(both).get("/payroll/runs").json()["items"]) == 2


def test_the_director_runs_the_whole_centers_payroll_which_no_branch_admin_sees(world: World, api):
    whole = api(world.director).post("/payroll/runs", {"period": "2026-11"})
    assert whole.status_code == 201 and whole.json()["branch_id"] is None
    assert api(world.a.admin).get(f"/payroll/runs/{whole.json()['id']}").status_code == 404


def test_the_audit_log_is_the_directors(world: World, api):
    assert api(world.a.admin).get("/audit-logs").status_code == 403
    assert api(world.director).get("/audit-logs").status_code == 200


@pytest.fixture
def published(monkeypatch):
    events = []
    monkeypatch.setattr(
        "modules.payments.events.publish_on_commit",
        lambda *, channel, type, data: events.append((channel, data.id)),
    )
    return events


def test_an_invoice_event_reaches_its_branchs_dashboard_only(
    world: World, api, published, django_capture_on_commit_callbacks
):
    for key in ("payment_id", "loose_payment_id"):
        invoice = world.a.ids[key]
        # a group-less invoice's branches are read after the commit (not under the invoice's lock)
        with django_capture_on_commit_callbacks(execute=True):
            response = api(world.a.admin).post(f"/payments/{invoice}/cancel", {"reason": "moved away"})
        assert response.status_code == 200, response.content
        assert {channel for channel, pk in published if pk == invoice} == {
            f"user:{world.a.ids['student_id']}",
            "dashboard",
            f"dashboard:{world.a.branch.pk}",
        }

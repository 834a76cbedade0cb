"""Teacher pay: rates, a run computed from lessons, attendance and revenue, adjustments, approval
(frozen), payment, and who sees which statements."""

from __future__ import annotations

import pytest

from modules.lessons.models import Lesson
from modules.payroll.models import PayRate, PayrollRun
from tests.factories.accounts import StudentFactory, TeacherFactory
from tests.factories.payments import PaymentFactory, make_group, make_membership
from tests.payroll.helpers import PERIOD, at, lesson

pytestmark = pytest.mark.django_db


def rate(teacher, kind, amount, **kw):
    return PayRate.objects.create(teacher=teacher, kind=kind, amount=amount, active_from=date_from(), **kw)


def date_from():
    return PERIOD.replace(month=1)


@pytest.fixture
def month(teacher):
    group = make_group(teacher=teacher)
    students = [StudentFactory() for _ in range(3)]
    for s in students:
        make_membership(student=s, group=group)
    lesson(group, day=3, present=students[:2], absent=students[2:])
    lesson(group, day=5, present=students)
    lesson(group, day=7, absent=students)  # nobody came
    lesson(group, day=9, status=Lesson.Status.CANCELLED, present=students)  # never counts
    lesson(group, day=2, month=PERIOD.replace(month=10), present=students)  # another month
    return group, students


def run(api, admin, **extra):
    response = api(admin).post("/payroll/runs", {"period": "2026-11", **extra})
    assert response.status_code in (200, 201), response.content
    return response


def test_per_lesson_and_per_present_student_list_every_counted_lesson(api, admin, teacher, month):
    rate(teacher, "per_lesson", 10_000_000)
    rate(teacher, "per_present_student", 1_000_000)
    body = run(api, admin).json()
    assert body["status"] == "draft"
    (statement,) = body["statements"]
    assert statement["teacher"]["id"] == teacher.pk and statement["lessons"] == 2
    per_lesson = [line for line in statement["lines"] if line["kind"] == "per_lesson"]
    assert [line["present_students"] for line in per_lesson] == [2, 3]
    assert statement["base_amount"] == 2 * 10_000_000 + 5 * 1_000_000 == statement["total"]
    assert body["total"] == statement["total"]


def test_lessons_nobody_attended_count_when_the_rate_says_so(api, admin, teacher, month):
    rate(teacher, "per_lesson", 10_000_000, count_lessons_nobody_attended=True)
    assert run(api, admin).json()["statements"][0]["lessons"] == 3


def test_the_teacher_who_taught_is_paid_and_specific_rates_win(api, admin, teacher, month):
    group, students = month
    substitute = TeacherFactory()
    lesson(group, day=11, teacher=substitute, present=students)
    rate(teacher, "per_lesson", 10_000_000)
    rate(teacher, "per_lesson", 15_000_000, group=group)  # the group's rate beats the general one
    rate(substitute, "per_lesson", 8_000_000)
    statements = {s["teacher"]["id"]: s for s in run(api, admin).json()["statements"]}
    assert statements[teacher.pk]["base_amount"] == 2 * 15_000_000
    assert statements[substitute.pk]["base_amount"] == 8_000_000


def test_revenue_percent_and_fixed_monthly(api, admin, teacher, month):
    group, students = month
    inv = PaymentFactory(student=students[0], group=group, amount=40_000_000)
    api(admin).post(f"/payments/{inv.pk}/confirm", {"method": "cash", "paid_at": at(4).isoformat()})
    other = PaymentFactory(student=students[1], group=group, amount=10_000_000)
    api(admin).post(f"/payments/{other.pk}/confirm", {"method": "cash", "paid_at": at(6).isoformat()})
    api(admin).post(f"/payments/{other.pk}/refund", {"reason": "left"})  # refunded today: not November
    rate(teacher, "revenue_percent", 2_500)  # 25 %
    rate(teacher, "fixed_monthly", 100_000_000)
    lines = run(api, admin).json()["statements"][0]["lines"]
    share = next(line for line in lines if line["kind"] == "revenue_percent")
    assert share["basis"] == 50_000_000 and share["amount"] == 12_500_000
    assert any(line["kind"] == "fixed_monthly" and line["amount"] == 100_000_000 for line in lines)


def test_adjustments_then_approval_freezes_the_run(api, admin, teacher, month):
    group, students = month
    rate(teacher, "per_lesson", 10_000_000)
    body = run(api, admin).json()
    run_id = body["id"]
    bonus = api(admin).post(
        f"/payroll/runs/{run_id}/adjustments",
        {"teacher_id": teacher.pk, "kind": "bonus", "amount": 5_000_000, "reason": "open lesson"},
    )
    assert bonus.status_code == 201
    api(admin).post(
        f"/payroll/runs/{run_id}/adjustments",
        {"teacher_id": teacher.pk, "kind": "penalty", "amount": 1_000_000, "reason": "late journal"},
    )
    statement = api(admin).get(f"/payroll/runs/{run_id}").json()["statements"][0]
    assert statement["adjustments_amount"] == 4_000_000 and statement["total"] == 24_000_000
    approved = api(admin).post(f"/payroll/runs/{run_id}/approve").json()
    assert approved["status"] == "approved" and approved["approved_by_id"] == admin.pk
    # more lessons happen and rates change: the approved run does not move
    lesson(group, day=20, present=students)
    PayRate.objects.update(amount=99_000_000)
    again = run(api, admin)
    assert again.status_code == 200 and again.json()["total"] == approved["total"] == 24_000_000
    assert api(admin).post(f"/payroll/runs/{run_id}/recompute").status_code == 409
    late = {"teacher_id": teacher.pk, "kind": "bonus", "amount": 1, "reason": "x"}
    assert api(admin).post(f"/payroll/runs/{run_id}/adjustments", late).status_code == 409
    paid = api(admin).post(f"/payroll/runs/{run_id}/pay", {"paid_on": "2026-12-05", "method": "transfer"})
    assert paid.json()["status"] == "paid" and paid.json()["paid_on"] == "2026-12-05"
    assert api(admin).post(f"/payroll/runs/{run_id}/approve").status_code == 409


def test_a_draft_is_recomputed_when_run_again(api, admin, teacher, month):
    group, students = month
    rate(teacher, "per_lesson", 10_000_000)
    first = run(api, admin)
    assert first.status_code == 201
    lesson(group, day=21, present=students)
    second = run(api, admin)
    assert second.status_code == 200 and second.json()["id"] == first.json()["id"]
    assert second.json()["total"] == 30_000_000
    assert PayrollRun.objects.count() == 1


def test_branch_runs_only_count_that_branch(api, admin, teacher, month):
    rate(teacher, "per_lesson", 10_000_000)
    group, _ = month
    from modules.courses.models import Branch

    other = Branch.objects.create(name="Chilonzor")
    assert run(api, admin, branch_id=other.pk).json()["statements"] == []
    assert run(api, admin, branch_id=group.branch_id).json()["total"] == 20_000_000


def test_teachers_see_only_their_own_statements_of_approved_runs(api, admin, teacher, month):
    rate(teacher, "per_lesson", 10_000_000)
    other = TeacherFactory()
    rate(other, "fixed_monthly", 50_000_000)
    run_id = run(api, admin).json()["id"]
    assert api(teacher).get("/payroll/statements").json()["count"] == 0  # a draft is not shown
    api(admin).post(f"/payroll/runs/{run_id}/approve")
    mine = api(teacher).get("/payroll/statements").json()
    assert mine["count"] == 1 and mine["items"][0]["teacher"]["id"] == teacher.pk
    assert len(mine["items"][0]["lines"]) == 2
    theirs = api(admin).get("/payroll/statements", {"teacher": other.pk}).json()["items"][0]["id"]
    assert api(teacher).get(f"/payroll/statements/{theirs}").status_code == 404
    assert api(admin).get("/payroll/statements").json()["count"] == 2


def test_only_admins_manage_payroll(api, teacher, student, month):
    assert api(teacher).post("/payroll/runs", {"period": "2026-11"}).status_code == 403
    assert api(teacher).get("/payroll/rates").status_code == 403
    assert api(student).get("/payroll/statements").status_code == 403
    assert api().get("/payroll/statements").status_code == 401


def test_rate_and_run_validation(api, admin, teacher, student):
    bad_period = api(admin).post("/payroll/runs", {"period": "2026-13"})
    assert bad_period.status_code == 422
    extra = api(admin).post("/payroll/runs", {"period": "2026-11", "force": True})
    assert extra.status_code == 422
    base = {
        "teacher_id": teacher.pk,
        "kind": "revenue_percent",
        "amount": 20_000,
        "active_from": "2026-01-01",
    }
    assert api(admin).post("/payroll/rates", base).status_code == 422
    assert (
        api(admin).post("/payroll/rates", {**base, "teacher_id": student.pk, "amount": 10}).status_code == 422
    )
    ok = api(admin).post("/payroll/rates", {**base, "amount": 1_500})
    assert ok.status_code == 201 and ok.json()["amount"] == 1_500
    assert api(admin).get("/payroll/rates", {"teacher": teacher.pk}).json()["count"] == 1

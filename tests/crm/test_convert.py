"""Convert: one call makes the lead a billed student of a group, in one transaction, idempotently."""

from __future__ import annotations

import pytest

from modules.accounts.models import Guardianship, User
from modules.courses.models import Membership
from modules.crm.models import Lead
from modules.payments.models import PaymentSchedule
from tests.factories.accounts import StudentFactory, TeacherFactory
from tests.factories.courses import GroupFactory
from tests.factories.crm import LeadFactory


@pytest.fixture
def target():
    return GroupFactory()


def _convert(api, admin, lead, group, **extra):
    return api(admin).post(f"/leads/{lead.pk}/convert", {"group_id": group.pk, **extra})


def test_convert_creates_student_membership_billing_and_parents(api, admin, target, run_on_commit):
    lead = LeadFactory(
        first_name="Kamola", phone="+998935551122", email="kamola@example.uz", status="trial_attended"
    )
    with run_on_commit():  # billing opens in the task the membership signal queues
        response = _convert(
            api,
            admin,
            lead,
            target,
            discount_type="percent",
            discount_value=10,
            parents=[{"first_name": "Rustam", "phone": "93 555 11 23", "relation": "father"}],
        )
    assert response.status_code == 200, response.content
    body = response.json()
    student = User.objects.get(pk=body["student"]["id"])
    assert (student.role, student.phone, student.email) == ("student", "+998935551122", "kamola@example.uz")
    membership = Membership.objects.get(pk=body["membership"]["id"])
    assert (membership.group_id, membership.student_id) == (target.pk, student.pk)
    assert (membership.discount_type, membership.discount_value) == ("percent", 10)
    assert body["membership"]["discount_value"] == 10
    assert PaymentSchedule.objects.filter(membership=membership, is_active=True).count() == 1
    parent = User.objects.get(phone="+998935551123")
    assert parent.role == "parent"
    assert Guardianship.objects.filter(parent=parent, student=student, relation="father").exists()
    lead.refresh_from_db()
    assert (lead.status, lead.student_id, lead.membership_id) == ("won", student.pk, membership.pk)
    assert lead.won_at is not None


def test_repeating_returns_the_same_student_and_membership(api, admin, target, run_on_commit):
    lead = LeadFactory()
    with run_on_commit():
        first = _convert(api, admin, lead, target).json()
    with run_on_commit():
        again = _convert(api, admin, lead, target)
    assert again.status_code == 200
    assert again.json()["student"]["id"] == first["student"]["id"]
    assert again.json()["membership"]["id"] == first["membership"]["id"]
    assert Membership.objects.filter(student_id=first["student"]["id"]).count() == 1
    assert PaymentSchedule.objects.count() == 1
    assert Lead.objects.get(pk=lead.pk).events.filter(kind="converted").count() == 1


def test_an_existing_student_is_reused_by_phone(api, admin, target):
    existing = StudentFactory(phone="+998935550000")
    lead = LeadFactory(phone="+998935550000")
    body = _convert(api, admin, lead, target).json()
    assert body["student"]["id"] == existing.pk
    assert User.objects.filter(phone="+998935550000").count() == 1


def test_a_phone_of_a_staff_account_is_409_and_nothing_is_written(api, admin, target):
    TeacherFactory(phone="+998935550001")
    lead = LeadFactory(phone="+998935550001")
    response = _convert(api, admin, lead, target)
    assert response.status_code == 409
    assert response.json()["code"] == "phone_not_a_student"
    assert Lead.objects.get(pk=lead.pk).status == "new"
    assert not Membership.objects.filter(group=target).exists()


def test_a_failure_after_the_account_rolls_everything_back(api, admin):
    full = GroupFactory(capacity=1)
    from tests.factories.courses import MembershipFactory

    MembershipFactory(group=full)
    lead = LeadFactory(phone="+998935550002")
    response = _convert(api, admin, lead, full)
    assert response.status_code == 409
    assert response.json()["code"] == "group_full"
    assert not User.objects.filter(phone="+998935550002").exists()
    assert Lead.objects.get(pk=lead.pk).status == "new"


def test_a_lost_lead_cannot_be_converted(api, admin, target):
    lead = LeadFactory(status="lost", lost_reason="price")
    assert _convert(api, admin, lead, target).json()["code"] == "lead_closed"


def test_a_parent_phone_of_a_student_is_422(api, admin, target):
    StudentFactory(phone="+998935550003")
    response = _convert(
        api, admin, LeadFactory(), target, parents=[{"first_name": "X", "phone": "+998935550003"}]
    )
    assert response.status_code == 422
    assert response.json()["code"] == "not_a_parent"


def test_unknown_group_is_422(api, admin):
    assert api(admin).post(f"/leads/{LeadFactory().pk}/convert", {"group_id": 999999}).status_code == 422

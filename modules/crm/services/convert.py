"""Convert: a lead becomes a billed student in one transaction: the student account (created, or
reused by phone), the membership in the chosen group through the courses roster (billing opens on
its membership_changed signal), the parents linked, the lead won. Repeating returns the same pair."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from core.exceptions import Conflict, ValidationFailed
from modules.accounts.models import User
from modules.accounts.services import guardian_link, user_create
from modules.courses.models import Group, Membership
from modules.courses.services.roster import membership_add
from modules.crm.models import Lead, LeadEvent, Status
from modules.crm.services.leads import event, locked, phone_of, set_status


@dataclass
class Converted:
    student: User
    membership: Membership


def _free_email(email: str) -> str | None:
    if email and not User.objects.filter(email__iexact=email).exists():
        return email
    return None


def _student_for(lead: Lead) -> User:
    user = User.objects.filter(phone=lead.phone).first()
    if user is None:
        return user_create(
            role=User.Role.STUDENT,
            first_name=lead.first_name,
            last_name=lead.last_name,
            phone=lead.phone,
            email=_free_email(lead.email),
            language=lead.language,
        )
    if user.role != User.Role.STUDENT:
        raise Conflict(
            _("The lead's phone belongs to a {role} account.").format(role=user.get_role_display().lower()),
            code="phone_not_a_student",
        )
    return user


def _parent_for(item: dict, index: int) -> User:
    phone = phone_of(item["phone"], field=f"parents.{index}.phone")
    user = User.objects.filter(phone=phone).first()
    if user is None:
        return user_create(
            role=User.Role.PARENT,
            first_name=item["first_name"],
            last_name=item.get("last_name", ""),
            phone=phone,
            email=None,
        )
    if user.role != User.Role.PARENT:
        raise ValidationFailed.field(
            f"parents.{index}.phone",
            _("this phone belongs to a {role} account").format(role=user.get_role_display().lower()),
            code="not_a_parent",
        )
    return user


def _membership_for(student: User, group: Group, actor: User, **terms) -> Membership:
    open_one = (
        Membership.objects.filter(group=group, student=student).exclude(status=Membership.Status.LEFT).first()
    )
    if open_one is not None:
        return open_one
    return membership_add(group=group, student=student, actor=actor, **terms)


@transaction.atomic
def lead_convert(
    *,
    lead: Lead,
    group: Group,
    actor: User,
    joined_on: date | None = None,
    discount_type: str = Membership.DiscountType.NONE,
    discount_value: int = 0,
    parents: list[dict] = (),
) -> Converted:
    lead = locked(lead)
    if lead.status == Status.WON and lead.membership_id:
        return Converted(student=lead.student, membership=lead.membership)
    if lead.status == Status.LOST:
        raise Conflict(_("The lead was lost; a new enquiry opens a new lead."), code="lead_closed")
    student = _student_for(lead)
    membership = _membership_for(
        student, group, actor, joined_on=joined_on, discount_type=discount_type, discount_value=discount_value
    )
    linked = []
    for i, item in enumerate(parents):
        parent = _parent_for(item, i)
        guardian_link(parent=parent, student=student, relation=item.get("relation") or "parent")
        linked.append(parent.pk)
    lead.student, lead.membership = student, membership
    data = {
        "student_id": student.pk,
        "membership_id": membership.pk,
        "group_id": group.pk,
        "parent_ids": linked,
    }
    event(lead, LeadEvent.Kind.CONVERTED, actor, data=data)
    set_status(lead, Status.WON, actor=actor, data=data)
    return Converted(student=student, membership=membership)

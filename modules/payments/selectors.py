"""Reads: who sees which invoices, filtered lists, schedules. Students see their own invoices,
parents their children's, admins all (a branch admin: those of their branches, modules/payments/branches.py);
teachers none (invoices are a family's and the office's
business, so a teacher gets 404 like any outsider)."""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from core.exceptions import ValidationFailed
from core.ordering import order_by
from modules.accounts.models import User
from modules.courses.branches import BRANCH_FORBIDDEN, branch_ids_of, refuse_other_branch, student_ids_in
from modules.courses.selectors import visible_student_ids
from modules.payments.branches import scope_money
from modules.payments.ledger_models import PaymentRecord
from modules.payments.models import Payment, PaymentHistory, PaymentSchedule


def payments_visible_to(user: User) -> QuerySet[Payment]:
    qs = Payment.objects.all()
    if user.role == User.Role.ADMIN:
        return scope_money(qs, user)
    if user.role in (User.Role.STUDENT, User.Role.PARENT):
        return qs.filter(student_id__in=visible_student_ids(user))
    return qs.none()


def payment_list(
    user: User,
    *,
    status: str | None = None,
    student: int | None = None,
    group: int | None = None,
    period: date | None = None,
    due_from: date | None = None,
    due_to: date | None = None,
    search: str | None = None,
    ordering: str | None = None,
) -> QuerySet[Payment]:
    qs = payments_visible_to(user).select_related("student", "group")
    if status:
        qs = qs.filter(status=status)
    if student:
        qs = qs.filter(student_id=student)
    if group:
        qs = qs.filter(group_id=group)
    if period:
        qs = qs.filter(period=period.replace(day=1))
    if due_from:
        qs = qs.filter(due_date__gte=due_from)
    if due_to:
        qs = qs.filter(due_date__lte=due_to)
    if search and search.strip():
        term = search.strip()
        cond = (
            Q(description__icontains=term)
            | Q(student__first_name__icontains=term)
            | Q(student__last_name__icontains=term)
            | Q(student__phone__contains=term)
            | Q(external_reference__icontains=term)
        )
        if term.isdigit():
            cond |= Q(pk=int(term)) if len(term) < 18 else Q()
        qs = qs.filter(cond)
    return order_by(qs, ordering or "-due_date")


def payment_detail(user: User, payment_id: int) -> Payment | None:
    history = Prefetch(
        "history", queryset=PaymentHistory.objects.select_related("actor").order_by("created_at", "id")
    )
    records = Prefetch(
        "records", queryset=PaymentRecord.objects.select_related("cashier").order_by("occurred_at", "id")
    )
    return (
        payments_visible_to(user)
        .select_related("student", "group")
        .prefetch_related(history, records, "payme_transactions")
        .filter(pk=payment_id)
        .first()
    )


def payment_visible(user: User, payment_id: int) -> Payment | None:
    return payments_visible_to(user).select_related("student", "group").filter(pk=payment_id).first()


def schedule_list(
    user: User,
    *,
    student: int | None = None,
    group: int | None = None,
    membership: int | None = None,
    is_active: bool | None = None,
) -> QuerySet[PaymentSchedule]:
    qs = PaymentSchedule.objects.select_related("membership__group", "membership__student")
    ids = branch_ids_of(user)
    if ids is not None:
        qs = qs.filter(membership__group__branch_id__in=ids)
    if student:
        qs = qs.filter(membership__student_id=student)
    if group:
        qs = qs.filter(membership__group_id=group)
    if membership:
        qs = qs.filter(membership_id=membership)
    if is_active is not None:
        qs = qs.filter(is_active=is_active)
    return qs.order_by("id")


def schedule_get(user: User, schedule_id: int) -> PaymentSchedule | None:
    return schedule_list(user).filter(pk=schedule_id).first()


def _students_of(user: User) -> QuerySet[User]:
    """Students whose money the caller handles: all for the director, a branch's for its admin."""
    qs = User.objects.filter(role=User.Role.STUDENT)
    ids = branch_ids_of(user)
    return qs if ids is None else qs.filter(pk__in=student_ids_in(ids))


def student_for_invoice(user: User, student_id: int) -> User | None:
    """The invoice's student; a branch admin's must have a membership in their branches, or the
    invoice would belong to no branch of theirs (422 branch_forbidden)."""
    student = User.objects.filter(pk=student_id).first()
    limited = branch_ids_of(user) is not None
    if student is not None and limited and not _students_of(user).filter(pk=student.pk).exists():
        raise ValidationFailed.field(
            "student_id", _("This student is another branch's."), code=BRANCH_FORBIDDEN
        )
    return student


def group_for_invoice(user: User, group_id: int):
    from modules.courses.models import Group

    group = Group.objects.filter(pk=group_id).first()
    if group is not None:
        refuse_other_branch(user, group.branch_id, "group_id")
    return group


def membership_for_schedule(user: User, membership_id: int):
    from modules.courses.models import Membership

    membership = Membership.objects.select_related("group", "student").filter(pk=membership_id).first()
    if membership is not None:
        refuse_other_branch(user, membership.group.branch_id, "membership_id")
    return membership


def balance_student_visible(user: User, student_id: int) -> User | None:
    """A student whose balance the caller may see: admins any (a branch admin: students of their
    branches), students themselves, parents their
    children; everyone else (teachers included) gets None, i.e. a 404."""
    qs = User.objects.filter(pk=student_id, role=User.Role.STUDENT)
    if user.role == User.Role.ADMIN:
        return _students_of(user).filter(pk=student_id).first()
    if user.role in (User.Role.STUDENT, User.Role.PARENT):
        return qs.filter(pk__in=visible_student_ids(user)).first()
    return None


def balance_detail(student: User) -> dict:
    from modules.payments.balance import balance_of
    from modules.payments.ledger_models import BalanceEntry

    entries = list(BalanceEntry.objects.filter(student=student).order_by("created_at", "id"))
    return {
        "student_id": student.pk,
        "balance": balance_of(student.pk),
        "currency": "UZS",
        "entries": entries,
    }


def record_get(record_id: int) -> PaymentRecord:
    return PaymentRecord.objects.select_related("cashier").get(pk=record_id)

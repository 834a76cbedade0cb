from __future__ import annotations

import itertools
from datetime import date, timedelta

import factory
from django.utils import timezone

from modules.courses.models import Branch, Course, Group, Membership
from modules.payments.models import Payment, PaymentHistory, PaymentSchedule
from tests.factories.accounts import StudentFactory, TeacherFactory

_seq = itertools.count(1)


def make_group(*, teacher=None, monthly_price: int = 50_000_000, name: str | None = None) -> Group:
    """A group built with the ORM (courses' own factories may change under us)."""
    n = next(_seq)
    branch, _ = Branch.objects.get_or_create(name="Payments test branch")
    course = Course.objects.create(name=f"Course {n}", monthly_price=monthly_price)
    return Group.objects.create(
        branch=branch,
        course=course,
        teacher=teacher or TeacherFactory(),
        name=name or f"Group {n}",
        start_date=date(2026, 1, 1),
        monthly_price=monthly_price,
        status=Group.Status.ACTIVE,
    )


def make_membership(*, student=None, group=None, joined_on: date = date(2026, 1, 1), **extra) -> Membership:
    return Membership.objects.create(
        student=student or StudentFactory(), group=group or make_group(), joined_on=joined_on, **extra
    )


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment
        skip_postgeneration_save = True

    student = factory.SubFactory(StudentFactory)
    amount = 50_000_000
    currency = "UZS"
    description = factory.Sequence(lambda n: f"Invoice {n}")
    due_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=10))
    status = Payment.Status.PENDING

    @factory.post_generation
    def with_history(obj, create, extracted, **kwargs):
        if create:
            PaymentHistory.objects.create(payment=obj, from_status="", to_status=obj.status, source="system")


class PaymentScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PaymentSchedule

    membership = factory.LazyFunction(make_membership)
    due_day = 5
    active_from = factory.LazyAttribute(lambda o: o.membership.joined_on)

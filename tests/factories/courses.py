"""Factories for modules.courses, shared by every module's tests.

group = GroupFactory(teacher=teacher)                       # active, with branch, course, room
MembershipFactory(group=group, student=student)
group = make_group_with_students(teacher, [s1, s2], lessons=3)
lessons = list(group.lessons.order_by("starts_at"))        # past-to-today, one a day at 10:00 local
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import factory
from django.utils import timezone

from modules.courses.models import (
    Branch,
    Course,
    FreezePeriod,
    Group,
    Holiday,
    LessonSchedule,
    Membership,
    Room,
)
from tests.factories.accounts import StudentFactory, TeacherFactory


def local_today() -> date:
    return timezone.localdate()


def local_dt(day: date, at: time = time(10, 0)) -> datetime:
    """An aware datetime on `day` at `at` in the center's zone (settings.TIME_ZONE)."""
    return timezone.make_aware(datetime.combine(day, at), timezone.get_default_timezone())


class BranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Branch
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Branch {n}")
    address = "Tashkent, Amir Temur 1"
    phone = "+998712000000"
    is_active = True


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    name = factory.Sequence(lambda n: f"English B{n}")
    description = "General English"
    level = "B1"
    monthly_price = 50_000_000  # 500,000 UZS in tiyin
    lesson_duration_minutes = 90
    language = Course.Language.EN
    is_active = True


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    branch = factory.SubFactory(BranchFactory)
    name = factory.Sequence(lambda n: f"Room {n}")
    capacity = 16
    is_active = True


class HolidayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Holiday

    name = factory.Sequence(lambda n: f"Holiday {n}")
    start_date = factory.LazyFunction(local_today)
    end_date = factory.LazyAttribute(lambda o: o.start_date)
    is_public = False


class GroupFactory(factory.django.DjangoModelFactory):
    """An active group (started 30 days ago, ends in 180 days) with its own branch, course and room."""

    class Meta:
        model = Group

    branch = factory.SubFactory(BranchFactory)
    course = factory.SubFactory(CourseFactory)
    teacher = factory.SubFactory(TeacherFactory)
    room = factory.SubFactory(RoomFactory, branch=factory.SelfAttribute("..branch"))
    name = factory.Sequence(lambda n: f"Group {n}")
    start_date = factory.LazyFunction(lambda: local_today() - timedelta(days=30))
    end_date = factory.LazyFunction(lambda: local_today() + timedelta(days=180))
    capacity = 12
    monthly_price = factory.LazyAttribute(lambda o: o.course.monthly_price)
    status = Group.Status.ACTIVE


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    group = factory.SubFactory(GroupFactory)
    student = factory.SubFactory(StudentFactory)
    joined_on = factory.LazyAttribute(lambda o: o.group.start_date)
    status = Membership.Status.ACTIVE


class FreezePeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FreezePeriod

    membership = factory.SubFactory(MembershipFactory)
    start_date = factory.LazyFunction(local_today)
    end_date = factory.LazyAttribute(lambda o: o.start_date + timedelta(days=7))
    reason = "vacation"


class LessonScheduleFactory(factory.django.DjangoModelFactory):
    """Monday 10:00 local, 90 minutes, valid over the group's dates."""

    class Meta:
        model = LessonSchedule

    group = factory.SubFactory(GroupFactory)
    weekday = 0
    start_time = time(10, 0)
    duration_minutes = 90
    room = None
    valid_from = factory.LazyAttribute(lambda o: o.group.start_date)
    valid_to = factory.LazyAttribute(lambda o: o.group.end_date)
    is_active = True


def make_group_with_students(
    teacher=None, students=(), *, lessons: int = 0, first_day: date | None = None, **group_kwargs
):
    """A group taught by `teacher` with `students` as active members and `lessons` scheduled lessons,
    one a day at 10:00 local time from `first_day` (default: so that the last one is today).
    Returns the group; read its lessons with `group.lessons.order_by("starts_at")`."""
    from tests.factories.lessons import LessonFactory

    if teacher is not None:
        group_kwargs["teacher"] = teacher
    group = GroupFactory(**group_kwargs)
    for student in students:
        MembershipFactory(group=group, student=student)
    start = first_day or (local_today() - timedelta(days=max(lessons - 1, 0)))
    for i in range(lessons):
        LessonFactory(group=group, starts_at=local_dt(start + timedelta(days=i)))
    return group

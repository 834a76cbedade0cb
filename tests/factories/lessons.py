"""Factories for modules.lessons. A lesson copies its group's teacher and room.

LessonFactory(group=group)                                  # scheduled, a unique slot
LessonFactory(group=group, starts_at=local_dt(day))         # at a given time (ends 90 min later)
"""

from __future__ import annotations

from datetime import timedelta

import factory

from modules.lessons.models import Lesson, LessonReschedule
from tests.factories.courses import GroupFactory, local_dt, local_today


def _next_slot(n: int):
    # distinct slots (one a day, 10:00 local) so the (group, original_starts_at) key never collides
    return local_dt(local_today() + timedelta(days=n % 3000))


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lesson

    group = factory.SubFactory(GroupFactory)
    teacher = factory.LazyAttribute(lambda o: o.group.teacher)
    room = factory.LazyAttribute(lambda o: o.group.room)
    starts_at = factory.Sequence(_next_slot)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(minutes=90))
    original_starts_at = factory.LazyAttribute(lambda o: o.starts_at)
    status = Lesson.Status.SCHEDULED
    topic = ""


class LessonRescheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LessonReschedule

    lesson = factory.SubFactory(LessonFactory)
    from_starts_at = factory.LazyAttribute(lambda o: o.lesson.original_starts_at)
    to_starts_at = factory.LazyAttribute(lambda o: o.lesson.starts_at)
    reason = "teacher is ill"

"""Factories for modules.attendance.

AttendanceRecordFactory(lesson=lesson, student=student, status="absent")
"""

from __future__ import annotations

import factory
from django.utils import timezone

from modules.attendance.models import AttendanceChange, AttendanceRecord
from tests.factories.accounts import StudentFactory
from tests.factories.lessons import LessonFactory


class AttendanceRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AttendanceRecord

    lesson = factory.SubFactory(LessonFactory)
    student = factory.SubFactory(StudentFactory)
    status = AttendanceRecord.Status.PRESENT
    note = ""
    marked_by = factory.LazyAttribute(lambda o: o.lesson.group.teacher)
    marked_at = factory.LazyFunction(timezone.now)


class AttendanceChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AttendanceChange

    record = factory.SubFactory(AttendanceRecordFactory)
    actor = factory.LazyAttribute(lambda o: o.record.marked_by)
    before_status = ""
    after_status = factory.LazyAttribute(lambda o: o.record.status)

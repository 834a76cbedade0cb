"""Front-office fixtures: a future lesson with a small room (for trials), quiet hours off, the
public form's limits at their defaults unless a test changes them."""

from __future__ import annotations

from datetime import time, timedelta

import pytest

from modules.center.models import SystemSettings
from tests.factories.courses import GroupFactory, MembershipFactory, RoomFactory, local_dt, local_today
from tests.factories.crm import LeadFactory
from tests.factories.lessons import LessonFactory


@pytest.fixture(autouse=True)
def center_settings(db):
    """Quiet hours off (start == end) so results never depend on the hour the suite runs at."""
    row, _ = SystemSettings.objects.get_or_create(pk=1)
    row.quiet_hours_start = row.quiet_hours_end = time(0, 0)
    row.save()
    return row


@pytest.fixture
def group(teacher, student):
    """The persona teacher's group (room for 3), the persona student in it."""
    room = RoomFactory(capacity=3)
    g = GroupFactory(teacher=teacher, room=room, branch=room.branch)
    MembershipFactory(group=g, student=student)
    return g


@pytest.fixture
def future_lesson(group):
    return LessonFactory(group=group, starts_at=local_dt(local_today() + timedelta(days=3)))


@pytest.fixture
def lead(group):
    return LeadFactory(course=group.course, branch=group.branch)

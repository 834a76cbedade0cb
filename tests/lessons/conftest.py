from __future__ import annotations

import pytest

from tests.factories.courses import GroupFactory, MembershipFactory


@pytest.fixture
def group(teacher, student):
    """An active group taught by `teacher` with `student` (and so `parent`'s child) in it."""
    g = GroupFactory(teacher=teacher, capacity=3)
    MembershipFactory(group=g, student=student)
    return g


@pytest.fixture
def other_group(db):
    """A group none of the personas has anything to do with."""
    return GroupFactory()

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.factories.accounts import StudentFactory
from tests.factories.courses import MembershipFactory, local_dt, local_today, make_group_with_students
from tests.factories.lessons import LessonFactory


@pytest.fixture
def classmates(db):
    return [StudentFactory(first_name=f"Class{i}", last_name=f"Mate{i}") for i in range(2)]


@pytest.fixture
def group(db, teacher, student, classmates):
    """The teacher's group: `student` and two classmates, three lessons (two days ago .. today)."""
    return make_group_with_students(teacher, [student, *classmates], lessons=3)


@pytest.fixture
def lessons(group):
    return list(group.lessons.order_by("starts_at"))


@pytest.fixture
def past_lesson(lessons):
    """Yesterday's lesson (still scheduled, inside the default 3-day edit window)."""
    return lessons[1]


@pytest.fixture
def future_lesson(group):
    return LessonFactory(group=group, starts_at=local_dt(local_today() + timedelta(days=3)))


@pytest.fixture
def other_group(db):
    """A group of another teacher with the outsider in it."""
    return make_group_with_students(None, [], lessons=1)


@pytest.fixture
def member(group):
    def add(student, **kw):
        return MembershipFactory(group=group, student=student, **kw)

    return add


@pytest.fixture
def events(monkeypatch):
    """Envelopes actually sent (after commit) by realtime."""
    sent: list[dict] = []
    import realtime.publish

    monkeypatch.setattr(realtime.publish, "send_now", lambda envelope, text=None: sent.append(envelope))
    return sent


@pytest.fixture
def signals():
    """Records every attendance_marked and lesson_changed call."""
    from modules.attendance.signals import attendance_marked
    from modules.lessons.signals import lesson_changed

    calls = {"attendance_marked": [], "lesson_changed": []}

    def on_marked(sender, **kw):
        calls["attendance_marked"].append(kw)

    def on_lesson(sender, **kw):
        calls["lesson_changed"].append(kw)

    attendance_marked.connect(on_marked, weak=False)
    lesson_changed.connect(on_lesson, weak=False)
    yield calls
    attendance_marked.disconnect(on_marked)
    lesson_changed.disconnect(on_lesson)

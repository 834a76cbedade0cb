from modules.courses.selectors import roster_student_ids
from tests.factories.courses import (
    FreezePeriodFactory,
    GroupFactory,
    MembershipFactory,
    local_today,
    make_group_with_students,
)
from tests.factories.lessons import LessonFactory


def test_factories_build_a_consistent_group(db, teacher, student):
    group = make_group_with_students(teacher, [student], lessons=3)
    lessons = list(group.lessons.order_by("starts_at"))
    assert len(lessons) == 3
    assert all(lesson.teacher_id == teacher.pk and lesson.room_id == group.room_id for lesson in lessons)
    assert roster_student_ids(group.pk, local_today()) == [student.pk]
    assert group.room.branch_id == group.branch_id


def test_lesson_factory_slots_do_not_collide(db):
    group = GroupFactory()
    a, b = LessonFactory(group=group), LessonFactory(group=group)
    assert a.original_starts_at != b.original_starts_at


def test_frozen_member_is_off_roster(db):
    membership = MembershipFactory()
    FreezePeriodFactory(membership=membership, start_date=local_today())
    assert roster_student_ids(membership.group_id, local_today()) == []

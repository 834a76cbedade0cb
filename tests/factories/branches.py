"""Two branches side by side, for branch-scoping tests: an admin of each, the director, a teacher who
works in both, and in each branch a room, a group with a student (and the student's parent) and
one lesson today.

world = two_branches()
world.a.admin, world.a.group, world.a.room, world.a.student, world.a.parent, world.a.lesson
world.b....; world.director; world.shared_teacher (teaches world.a.group and world.b.group)
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

from modules.accounts.models import User
from modules.courses.models import Branch, Group, Room
from modules.lessons.models import Lesson
from tests.factories.accounts import AdminFactory, ParentFactory, StudentFactory, TeacherFactory, link_parent
from tests.factories.courses import (
    BranchFactory,
    GroupFactory,
    MembershipFactory,
    RoomFactory,
    local_dt,
    local_today,
)
from tests.factories.lessons import LessonFactory


@dataclass
class BranchSide:
    branch: Branch
    admin: User
    room: Room
    group: Group
    student: User
    parent: User
    lesson: Lesson


def branch_side(name: str, teacher: User) -> BranchSide:
    branch = BranchFactory(name=name)
    admin = AdminFactory(first_name=f"Admin {name}")
    branch.staff.add(admin, teacher)
    room = RoomFactory(branch=branch)
    group = GroupFactory(branch=branch, room=room, teacher=teacher, name=f"Group {name}")
    student = StudentFactory(first_name=f"Student {name}")
    MembershipFactory(group=group, student=student)
    parent = ParentFactory(first_name=f"Parent {name}")
    link_parent(parent, student)
    lesson = LessonFactory(group=group, starts_at=local_dt(local_today()))
    return BranchSide(branch, admin, room, group, student, parent, lesson)


def two_branches() -> SimpleNamespace:
    shared_teacher = TeacherFactory(first_name="Shared", last_name="Teacher")
    return SimpleNamespace(
        a=branch_side("Chilonzor", shared_teacher),
        b=branch_side("Yunusobod", shared_teacher),
        director=AdminFactory(first_name="Director"),
        shared_teacher=shared_teacher,
    )

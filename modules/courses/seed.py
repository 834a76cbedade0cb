"""Demo center: one branch, a course, a room and a Mon/Wed/Fri group taught by the demo teacher with
the demo student in it. Idempotent (looked up by name first). lessons.seed adds its weekly slots
and generates its lessons."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from modules.accounts.seed import demo_user
from modules.courses.models import Branch, Course, Group, Membership, Room
from modules.courses.services import catalog, groups, roster

DEMO_BRANCH = "Markaz Chilonzor"
DEMO_COURSE = "General English B1"
DEMO_GROUP = "English B1 (Mon/Wed/Fri 15:00)"


def demo_group() -> Group:
    return Group.objects.get(name=DEMO_GROUP)


def seed(stdout, *, students: int = 0) -> None:
    branch = Branch.objects.filter(name=DEMO_BRANCH).first() or catalog.branch_create(
        name=DEMO_BRANCH, address="Tashkent, Chilonzor district, Bunyodkor 12", phone="+998712000100"
    )
    course = Course.objects.filter(name=DEMO_COURSE).first() or catalog.course_create(
        name=DEMO_COURSE,
        description="Speaking, listening, reading and writing at intermediate level.",
        level="B1",
        monthly_price=60_000_000,  # 600,000 UZS
        lesson_duration_minutes=90,
        language=Course.Language.EN,
    )
    room = Room.objects.filter(branch=branch, name="Room 1").first() or catalog.room_create(
        branch=branch, name="Room 1", capacity=14
    )
    group = Group.objects.filter(name=DEMO_GROUP).first()
    if group is None:
        today = timezone.localdate()
        group = groups.group_create(
            name=DEMO_GROUP,
            branch=branch,
            course=course,
            teacher=demo_user("teacher"),
            room=room,
            start_date=today - timedelta(weeks=6),
            end_date=today + timedelta(weeks=20),
            capacity=12,
            status=Group.Status.ACTIVE,
        )
        stdout.write(f"  created group {group.name}")
    student = demo_user("student")
    if not Membership.objects.filter(group=group, student=student).exists():
        roster.membership_add(group=group, student=student, actor=None, joined_on=group.start_date)

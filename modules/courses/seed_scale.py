"""The large demo center (`seed_demo --students N`): N students (`student<i>@scale.markaz.uz`,
password `scale-demo-pass`) in groups of 20, one teacher (`teacher<k>@scale.markaz.uz`) and one room
per 10 groups, each group on a clash-free Mon/Wed/Fri or Tue/Thu/Sat slot. Idempotent: only missing
rows are added, in bulk. The next modules' seed_scale hooks add lessons and a term of activity."""

from __future__ import annotations

from datetime import time, timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from modules.accounts.models import User
from modules.courses.models import Branch, Course, Group, LessonSchedule, Membership, Room

PASSWORD = "scale-demo-pass"
GROUP_SIZE = 20
GROUPS_PER_TEACHER = 10
SLOTS = [(days, time(hour, 0)) for days in ((0, 2, 4), (1, 3, 5)) for hour in (8, 10, 12, 14, 16)]
SCALE_PREFIX = "Scale group "


def _users(role: str, count: int, phone_prefix: str) -> list[User]:
    existing = {u.email: u for u in User.objects.filter(email__endswith="@scale.markaz.uz", role=role)}
    password = make_password(PASSWORD)
    missing = [
        User(
            email=f"{role}{i}@scale.markaz.uz",
            phone=f"{phone_prefix}{i:07d}",
            first_name=f"{role.capitalize()}{i}",
            last_name="Scale",
            role=role,
            language="uz",
            password=password,
        )
        for i in range(count)
        if f"{role}{i}@scale.markaz.uz" not in existing
    ]
    User.objects.bulk_create(missing, batch_size=2000)
    by_email = {u.email: u for u in User.objects.filter(email__endswith="@scale.markaz.uz", role=role)}
    return [by_email[f"{role}{i}@scale.markaz.uz"] for i in range(count)]


def scale_groups() -> list[Group]:
    return list(Group.objects.filter(name__startswith=SCALE_PREFIX))


def scale_members(groups) -> dict[int, list[int]]:
    """{group id: student ids} of the scale groups."""
    members: dict[int, list[int]] = {}
    for gid, sid in Membership.objects.filter(group__in=groups).values_list("group_id", "student_id"):
        members.setdefault(gid, []).append(sid)
    return members


def seed_scale(stdout, *, students: int) -> None:
    from modules.courses.seed import DEMO_BRANCH, DEMO_COURSE

    branch = Branch.objects.get(name=DEMO_BRANCH)
    course = Course.objects.get(name=DEMO_COURSE)
    groups_needed = -(-students // GROUP_SIZE)
    teachers_needed = -(-groups_needed // GROUPS_PER_TEACHER)
    learners = _users("student", students, "+99895")
    teachers = _users("teacher", teachers_needed, "+99894")
    rooms = {r.name: r for r in Room.objects.filter(branch=branch, name__startswith="Scale room ")}
    Room.objects.bulk_create(
        Room(branch=branch, name=f"Scale room {k}", capacity=GROUP_SIZE)
        for k in range(teachers_needed)
        if f"Scale room {k}" not in rooms
    )
    rooms = {r.name: r for r in Room.objects.filter(branch=branch, name__startswith="Scale room ")}
    existing = set(Group.objects.filter(name__startswith=SCALE_PREFIX).values_list("name", flat=True))
    today = timezone.localdate()
    new_groups = [
        Group(
            name=f"{SCALE_PREFIX}{g}",
            branch=branch,
            course=course,
            teacher=teachers[g // GROUPS_PER_TEACHER],
            room=rooms[f"Scale room {g // GROUPS_PER_TEACHER}"],
            start_date=today - timedelta(weeks=6),
            end_date=today + timedelta(weeks=20),
            capacity=GROUP_SIZE,
            monthly_price=course.monthly_price,
            status=Group.Status.ACTIVE,
        )
        for g in range(groups_needed)
        if f"{SCALE_PREFIX}{g}" not in existing
    ]
    Group.objects.bulk_create(new_groups, batch_size=1000)
    fresh = {g.name: g for g in Group.objects.filter(name__in=[g.name for g in new_groups])}
    memberships, schedules = [], []
    for group in fresh.values():
        g = int(group.name.removeprefix(SCALE_PREFIX))
        days, start = SLOTS[g % GROUPS_PER_TEACHER]
        schedules += [
            LessonSchedule(
                group=group,
                weekday=day,
                start_time=start,
                duration_minutes=course.lesson_duration_minutes,
                valid_from=group.start_date,
                valid_to=group.end_date,
            )
            for day in days
        ]
        memberships += [
            Membership(group=group, student=s, joined_on=group.start_date)
            for s in learners[g * GROUP_SIZE : (g + 1) * GROUP_SIZE]
        ]
    LessonSchedule.objects.bulk_create(schedules, batch_size=2000)
    Membership.objects.bulk_create(memberships, batch_size=2000)
    if new_groups:
        stdout.write(f"  scale demo: {len(new_groups)} groups, {len(memberships)} memberships added")

"""Two branches side by side, each with a group, lessons, attendance, homework, invoices and a
payment, a lead and a payroll run; personas: a branch admin of each, the director (an admin without
branches) and a teacher who teaches in both. Every name a branch owns carries its branch's marker
word, so a leak shows up as the other branch's word in a response, a CSV or a changelist."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.utils import timezone

from modules.courses.models import Branch
from modules.payments.models import Payment
from modules.payments.services import payment_confirm
from modules.payroll.models import PayRate
from modules.payroll.services import run_create
from tests.factories.accounts import AdminFactory, ParentFactory, StudentFactory, TeacherFactory, link_parent
from tests.factories.attendance import AttendanceRecordFactory
from tests.factories.courses import CourseFactory, GroupFactory, MembershipFactory, RoomFactory
from tests.factories.crm import LeadFactory
from tests.factories.homework import HomeworkFactory, SubmissionFactory
from tests.factories.payments import PaymentFactory, PaymentScheduleFactory
from tests.payroll.helpers import PERIOD, lesson

MARKERS = {"a": "Alphaville", "b": "Betatown"}


@dataclass
class Side:
    """One branch's objects, by the path parameter names of the API."""

    marker: str
    branch: Branch
    ids: dict[str, int] = field(default_factory=dict)
    admin: object = None


@dataclass
class World:
    a: Side
    b: Side
    director: object
    teacher: object

    def other(self, side: Side) -> Side:
        return self.b if side is self.a else self.a


def _side(key: str, director, teacher, course) -> Side:
    word = MARKERS[key]
    branch = Branch.objects.create(name=f"{word} branch", address=f"{word} street 1")
    admin = AdminFactory(first_name=word, last_name="Admin")
    branch.staff.add(admin)
    room = RoomFactory(branch=branch, name=f"{word} room")
    group = GroupFactory(branch=branch, room=room, course=course, teacher=teacher, name=f"{word} group")
    student = StudentFactory(first_name=word, last_name="Student")
    parent = ParentFactory(first_name=word, last_name="Parent")
    link_parent(parent, student)
    membership = MembershipFactory(group=group, student=student)
    held = lesson(group, day=3, present=[student])
    held.topic = f"{word} topic"
    held.save(update_fields=["topic"])
    upcoming = lesson(group, day=1, month=PERIOD.replace(month=12), status="scheduled")
    upcoming.starts_at = timezone.now() + timedelta(days=2)
    upcoming.ends_at = upcoming.starts_at + timedelta(minutes=90)
    upcoming.topic = f"{word} next topic"
    upcoming.save()
    AttendanceRecordFactory(lesson=upcoming, student=student, status="absent")
    homework = HomeworkFactory(group=group, lesson=held, title=f"{word} homework", created_by=teacher)
    submission = SubmissionFactory(homework=homework, student=student, text=f"{word} answer")
    paid = PaymentFactory(student=student, group=group, description=f"{word} invoice")
    payment_confirm(payment=paid, method=Payment.Method.CASH, actor=director, note=f"{word} cash")
    open_invoice = PaymentFactory(student=student, group=group, description=f"{word} open invoice")
    loose = PaymentFactory(
        student=student,
        group=None,
        description=f"{word} loose invoice",
        status=Payment.Status.OVERDUE,
        due_date=timezone.localdate() - timedelta(days=20),
    )
    schedule = PaymentScheduleFactory(membership=membership)
    lead = LeadFactory(first_name=word, last_name="Lead", branch=branch, course=course)
    run, _ = run_create(period=PERIOD, branch=branch, actor=director)
    side = Side(word, branch, admin=admin)
    side.ids = {
        "branch_id": branch.pk,
        "room_id": room.pk,
        "group_id": group.pk,
        "student_id": student.pk,
        "user_id": student.pk,
        "parent_id": parent.pk,
        "membership_id": membership.pk,
        "lesson_id": held.pk,
        "upcoming_lesson_id": upcoming.pk,
        "homework_id": homework.pk,
        "submission_id": submission.pk,
        "payment_id": open_invoice.pk,
        "paid_payment_id": paid.pk,
        "loose_payment_id": loose.pk,
        "payment_schedule_id": schedule.pk,
        "lead_id": lead.pk,
        "run_id": run.pk,
        "statement_id": run.statements.get().pk,
    }
    return side


@pytest.fixture
def world(db, settings) -> World:
    settings.THROTTLE_RATES = {scope: "100000/min" for scope in settings.THROTTLE_RATES}
    director = AdminFactory(first_name="Dina", last_name="Director")
    teacher = TeacherFactory(first_name="Tess", last_name="Both")
    course = CourseFactory(name="Shared English")
    PayRate.objects.create(
        teacher=teacher, kind="per_lesson", amount=10_000_000, active_from=PERIOD.replace(month=1)
    )
    a = _side("a", director, teacher, course)
    b = _side("b", director, teacher, course)
    return World(a=a, b=b, director=director, teacher=teacher)

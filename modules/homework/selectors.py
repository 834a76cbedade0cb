"""Reads: who may see which homework and submissions (someone else's object is a 404), the review
queue, and the deadline candidates. Lists select_related what SubmissionOut/HomeworkOut read."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from core.exceptions import NotFound
from core.ordering import order_by
from modules.accounts.models import Guardianship, User
from modules.courses.branches import scope_to_branches
from modules.courses.models import Group, Membership
from modules.courses.selectors import groups_visible_to, students_visible_to
from modules.homework.models import Homework, Submission

_SUBMISSION_RELATED = ("homework__group", "student", "transcript")


def homework_visible_to(user: User) -> QuerySet[Homework]:
    return (
        Homework.objects.filter(group__in=groups_visible_to(user))
        .select_related("group")
        .prefetch_related("resources", *_viewer_submissions(user))
    )


def _viewer_submissions(user: User) -> list[Prefetch]:
    """A student's own current submission (`viewer_submissions`) or a parent's children's
    (`viewer_children_submissions`) on each homework, for HomeworkOut's `my_submission` and
    `children_submissions`: one query per page, whatever its size."""
    current = Submission.objects.filter(is_current=True).order_by("student_id")
    if user.role == User.Role.STUDENT:
        return [Prefetch("submissions", queryset=current.filter(student=user), to_attr="viewer_submissions")]
    if user.role == User.Role.PARENT:
        children = current.filter(student__in=user.children.values("pk"))
        return [Prefetch("submissions", queryset=children, to_attr="viewer_children_submissions")]
    return []


def homework_get(user: User, homework_id: int) -> Homework:
    homework = homework_visible_to(user).filter(pk=homework_id).first()
    if homework is None:
        raise NotFound(_("Homework not found."))
    return homework


def homework_list(
    user: User,
    *,
    group_id: int | None = None,
    lesson_id: int | None = None,
    kind: str | None = None,
    due_from: datetime | None = None,
    due_to: datetime | None = None,
    search: str | None = None,
    ordering: str | None = None,
) -> QuerySet[Homework]:
    qs = homework_visible_to(user)
    if group_id is not None:
        qs = qs.filter(group_id=group_id)
    if lesson_id is not None:
        qs = qs.filter(lesson_id=lesson_id)
    if kind:
        qs = qs.filter(kind=kind)
    if due_from:
        qs = qs.filter(due_at__gte=due_from)
    if due_to:
        qs = qs.filter(due_at__lte=due_to)
    if search:
        qs = qs.filter(Q(title__icontains=search.strip()) | Q(instructions__icontains=search.strip()))
    return order_by(qs, ordering or "-due_at")


def group_get(user: User, group_id: int) -> Group:
    group = groups_visible_to(user).filter(pk=group_id).first()
    if group is None:
        raise NotFound(_("Group not found."))
    return group


def submissions_visible_to(user: User) -> QuerySet[Submission]:
    qs = Submission.objects.select_related(*_SUBMISSION_RELATED)
    if user.role == User.Role.ADMIN:
        return scope_to_branches(qs, user, "homework__group__branch")
    if user.role == User.Role.TEACHER:
        return qs.filter(homework__group__teacher=user)
    if user.role == User.Role.STUDENT:
        return qs.filter(student=user)
    if user.role == User.Role.PARENT:
        return qs.filter(student_id__in=Guardianship.objects.filter(parent=user).values("student_id"))
    return qs.none()


def submission_get(user: User, submission_id: int) -> Submission:
    submission = submissions_visible_to(user).filter(pk=submission_id).first()
    if submission is None:
        raise NotFound(_("Submission not found."))
    return submission


# `?ordering=student` sorts by name, not by id
SUBMISSION_COLUMNS = {"student": "student__last_name"}


def homework_submissions(
    user: User,
    homework: Homework,
    *,
    status: str | None = None,
    student_id: int | None = None,
    all_attempts: bool = False,
    ordering: str | None = None,
) -> QuerySet[Submission]:
    qs = submissions_visible_to(user).filter(homework=homework)
    if not all_attempts:
        qs = qs.filter(is_current=True)
    if status:
        qs = qs.filter(status=status)
    if student_id is not None:
        qs = qs.filter(student_id=student_id)
    if ordering:
        return order_by(qs, ordering, SUBMISSION_COLUMNS)
    return qs.order_by("student__last_name", "student__first_name", "student_id", "-attempt")


def can_see_student(user: User, student_id: int) -> bool:
    if user.role == User.Role.ADMIN:  # a branch admin: students of their branches
        return students_visible_to(user, current_only=False).filter(pk=student_id).exists()
    if user.role == User.Role.STUDENT:
        return user.pk == student_id
    if user.role == User.Role.PARENT:
        return Guardianship.objects.filter(parent=user, student_id=student_id).exists()
    if user.role == User.Role.TEACHER:
        return Membership.objects.filter(group__teacher=user, student_id=student_id).exists()
    return False


def student_submissions(
    user: User,
    student_id: int,
    *,
    status: str | None = None,
    all_attempts: bool = False,
    ordering: str | None = None,
) -> QuerySet[Submission]:
    """A student's history, as far as `user` may see it (a teacher: their groups' homework)."""
    if not can_see_student(user, student_id):
        raise NotFound(_("Student not found."))
    qs = submissions_visible_to(user).filter(student_id=student_id)
    if not all_attempts:
        qs = qs.filter(is_current=True)
    if status:
        qs = qs.filter(status=status)
    return order_by(qs, ordering or "-submitted_at", SUBMISSION_COLUMNS)


AWAITING_REVIEW = Q(is_current=True) & (
    Q(status__in=[Submission.Status.TRANSCRIBED, Submission.Status.SCORED, Submission.Status.FAILED])
    | Q(status=Submission.Status.SUBMITTED, needs_manual_review=True)
)


def review_queue(
    user: User, *, group_id: int | None = None, homework_id: int | None = None
) -> QuerySet[Submission]:
    """Current attempts a teacher should look at (oldest first): scored or transcribed ones, failed
    ones, and those waiting for manual review (no transcription configured, file answers...)."""
    qs = submissions_visible_to(user).filter(AWAITING_REVIEW)
    if group_id is not None:
        qs = qs.filter(homework__group_id=group_id)
    if homework_id is not None:
        qs = qs.filter(homework_id=homework_id)
    return qs.order_by("submitted_at", "id")


def students_without_submission(homework: Homework) -> list[int]:
    """Students currently in the homework's group who have not submitted it."""
    submitted = Submission.objects.filter(homework=homework).values("student_id")
    return list(
        Membership.objects.filter(group_id=homework.group_id)
        .exclude(status=Membership.Status.LEFT)
        .exclude(student_id__in=submitted)
        .values_list("student_id", flat=True)
        .distinct()
    )


def submission_attachment(user: User, submission_id: int, field: str) -> Submission:
    """A visible submission that has an uploaded `field` ("audio" or "file"), else 404."""
    submission = submission_get(user, submission_id)
    if not getattr(submission, field):
        raise NotFound(_("This submission has no {field}.").format(field=field))
    return submission

"""Writing homework (assignments)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import Conflict, ValidationFailed
from modules.accounts.models import User
from modules.courses.models import Group
from modules.homework.models import DeadlineReminder, Homework
from modules.homework.signals import HomeworkAssigned, homework_assigned
from modules.lessons.models import Lesson
from modules.resources.models import Resource


def _aware(value: datetime) -> datetime:
    # A time without an offset is the center's local time (TIME_ZONE), as the README says.
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _lesson_of(group: Group, lesson_id: int | None) -> Lesson | None:
    if lesson_id is None:
        return None
    lesson = Lesson.objects.filter(pk=lesson_id, group=group).first()
    if lesson is None:
        raise ValidationFailed.field("lesson_id", _("This lesson is not a lesson of the homework's group."))
    return lesson


def _resources_of(group: Group, resource_ids: list[int]) -> list[Resource]:
    """Materials that belong to the group, one of its lessons or its course (what its students see)."""
    ids = set(resource_ids)
    found = list(
        Resource.objects.filter(pk__in=ids).filter(
            Q(group=group) | Q(lesson__group=group) | Q(course_id=group.course_id)
        )
    )
    if len(found) != len(ids):
        raise ValidationFailed.field(
            "resource_ids", _("Attach only materials of this group, its lessons or its course.")
        )
    return found


@transaction.atomic
def homework_create(
    *,
    actor: User,
    group: Group,
    title: str,
    kind: str,
    due_at: datetime,
    max_score: int,
    instructions: str = "",
    reference_text: str = "",
    lesson_id: int | None = None,
    accepts_late: bool = False,
    resource_ids: list[int] | None = None,
) -> Homework:
    due_at = _aware(due_at)
    if due_at <= timezone.now():
        raise ValidationFailed.field("due_at", _("The deadline must be in the future."))
    homework = Homework.objects.create(
        group=group,
        lesson=_lesson_of(group, lesson_id),
        title=title.strip(),
        kind=kind,
        due_at=due_at,
        max_score=max_score,
        instructions=instructions,
        reference_text=reference_text.strip(),
        accepts_late=accepts_late,
        created_by=actor,
    )
    if resource_ids:
        homework.resources.set(_resources_of(group, resource_ids))
    homework_assigned.send(
        sender=Homework,
        event=HomeworkAssigned(homework.pk, homework.group_id, getattr(actor, "pk", None)),
        homework=homework,
        actor=actor,
    )
    return homework


@transaction.atomic
def homework_update(*, homework: Homework, actor: User, **changes) -> Homework:
    """Partial update. Moving the deadline later re-arms its reminders, so students hear of it again."""
    resource_ids = changes.pop("resource_ids", None)
    if resource_ids is not None:
        homework.resources.set(_resources_of(homework.group, resource_ids))
    if "lesson_id" in changes:
        homework.lesson = _lesson_of(homework.group, changes.pop("lesson_id"))
    if changes.get("due_at") is not None:
        due_at = _aware(changes.pop("due_at"))
        if due_at > homework.due_at:
            DeadlineReminder.objects.filter(homework=homework).delete()
        homework.due_at = due_at
    if "kind" in changes and changes["kind"] != homework.kind and homework.submissions.exists():
        raise Conflict(
            _("The kind cannot change once students have submitted."), code="homework_has_submissions"
        )
    for name, value in changes.items():
        if value is not None:
            setattr(homework, name, value.strip() if isinstance(value, str) else value)
    homework.save()
    return homework


@transaction.atomic
def homework_delete(*, homework: Homework, actor: User) -> None:
    if homework.submissions.exists():
        raise Conflict(_("Students have already submitted this homework."), code="homework_has_submissions")
    homework.delete()

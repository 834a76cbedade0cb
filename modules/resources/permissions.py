"""Who may add or change materials (no queries: loaded objects only)."""

from __future__ import annotations

from modules.accounts.models import User
from modules.courses.models import Course, Group
from modules.lessons.models import Lesson


def can_upload_to(user: User, target) -> bool:
    """Admins anywhere; a teacher to the lessons and groups they teach; courses are admins' only."""
    if user.role == User.Role.ADMIN:
        return True
    if user.role != User.Role.TEACHER:
        return False
    if isinstance(target, Lesson):
        return user.pk in (target.group.teacher_id, target.teacher_id)
    if isinstance(target, Group):
        return target.teacher_id == user.pk
    if isinstance(target, Course):
        return False
    return False


def can_manage(user: User, resource) -> bool:
    """Change or delete a resource: whoever may upload to its target (an admin for any)."""
    return can_upload_to(user, resource.lesson or resource.group or resource.course)

"""Who may add or change materials (no queries but the admin's branches, read once a request)."""

from __future__ import annotations

from modules.accounts.models import User
from modules.courses.branches import is_director
from modules.courses.models import Course, Group
from modules.lessons.models import Lesson


def can_upload_to(user: User, target) -> bool:
    """Admins anywhere they see (a branch admin: their branches' lessons and groups); a teacher to
    the lessons and groups they teach; courses, the whole center's, are the director's only."""
    if user.role == User.Role.ADMIN:
        return not isinstance(target, Course) or is_director(user)
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

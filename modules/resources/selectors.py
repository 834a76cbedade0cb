"""Who may see which resource: admins all; everyone else the resources of lessons and groups they may
see, and of the courses of those groups."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from core.exceptions import NotFound
from modules.accounts.models import User
from modules.courses.branches import branch_ids_of, is_branch_admin, refuse_other_branch
from modules.courses.models import Course, Group
from modules.courses.selectors import groups_visible_to, visible_group_ref
from modules.lessons.models import Lesson
from modules.lessons.selectors import lessons_visible_to
from modules.resources.models import Resource


def resources_visible_to(user: User) -> QuerySet[Resource]:
    qs = Resource.objects.all()
    if user.role == User.Role.ADMIN:
        ids = branch_ids_of(user)
        if ids is None:
            return qs
        # a branch admin: their branches' lessons and groups, and every course's materials (courses
        # are the whole center's)
        return qs.filter(
            Q(lesson__group__branch_id__in=ids) | Q(group__branch_id__in=ids) | Q(course__isnull=False)
        )
    groups = groups_visible_to(user)
    return qs.filter(
        Q(lesson__in=lessons_visible_to(user).values("pk"))
        | Q(group__in=groups.values("pk"))
        | Q(course__in=groups.values("course_id"))
    )


def courses_visible_to(user: User) -> QuerySet[Course]:
    if user.role == User.Role.ADMIN:
        return Course.objects.all()
    return Course.objects.filter(pk__in=groups_visible_to(user).values("course_id"))


def upload_target(user: User, *, lesson_id=None, group_id=None, course_id=None) -> Lesson | Group | Course:
    """The lesson, group or course named, if `user` may see it (else 404; a branch admin naming
    another branch's lesson or group: 422 `branch_forbidden`)."""
    if lesson_id is not None:
        lesson = lessons_visible_to(user).select_related("group").filter(pk=lesson_id).first()
        if lesson is None and is_branch_admin(user):
            branch_id = Lesson.objects.filter(pk=lesson_id).values_list("group__branch_id", flat=True).first()
            refuse_other_branch(user, branch_id, "lesson_id")
        if lesson is None:
            raise NotFound(_("Lesson not found."))
        return lesson
    if group_id is not None:
        return visible_group_ref(user, group_id)
    return courses_visible_to(user).get(pk=course_id)


def resource_list(user: User, filters) -> QuerySet[Resource]:
    return filters.filter(resources_visible_to(user)).order_by("-created_at", "-id")


def download_name(resource: Resource) -> str:
    """The uploaded name when it ends in the detected extension, else the title with it."""
    name = resource.original_name
    if name.lower().endswith(f".{resource.extension}"):
        return name
    from django.utils.text import get_valid_filename

    return f"{get_valid_filename(resource.title) or 'file'}.{resource.extension}"

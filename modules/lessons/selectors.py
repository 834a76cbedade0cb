"""Reads other modules rely on: which lessons a user may see, and a lesson's roster."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet
from django.db.models.query import ValuesIterable
from django.utils import timezone
from django.utils.translation import gettext as _

from core.ordering import order_by
from modules.accounts.models import User
from modules.courses.branches import scope_to_branches
from modules.courses.models import Membership
from modules.courses.selectors import groups_visible_to, memberships_on
from modules.lessons.models import Lesson
from modules.lessons.viewer import viewer_fields


def lessons_visible_to(user: User) -> QuerySet[Lesson]:
    """Admins: all (a branch admin: their branches' groups'); teachers: lessons of their groups or that they teach; students and parents: the
    regular lessons of their (children's) groups and the lessons they (their children) make up at."""
    from django.db.models import Q

    from modules.courses.selectors import visible_student_ids
    from modules.lessons.models import MakeupSeat

    qs = Lesson.objects.all()
    if user.role == User.Role.ADMIN:
        return scope_to_branches(qs, user, "group__branch")
    if user.role == User.Role.TEACHER:
        return qs.filter(Q(group__teacher=user) | Q(teacher=user))
    if user.role not in (User.Role.STUDENT, User.Role.PARENT):
        return qs.none()
    seats = MakeupSeat.objects.filter(student_id__in=visible_student_ids(user)).values("lesson_id")
    return qs.filter(Q(group__in=groups_visible_to(user), kind=Lesson.Kind.REGULAR) | Q(pk__in=seats))


def without_frozen_days(qs: QuerySet[Lesson], user: User) -> QuerySet[Lesson]:
    """For a student (or a parent): leaves out lessons on days they are frozen in that group, unless
    another of their memberships (a parent's other child) is on that lesson's roster. Staff see every
    lesson. Days are local dates in the center's zone, as freezes are."""
    if user.role not in (User.Role.STUDENT, User.Role.PARENT):
        return qs
    from django.db.models import Exists, OuterRef, Q
    from django.db.models.functions import TruncDate

    from modules.courses.models import FreezePeriod
    from modules.courses.selectors import visible_student_ids

    students = visible_student_ids(user)
    covering = {"start_date__lte": OuterRef("local_day"), "end_date__gte": OuterRef("local_day")}
    day = OuterRef(OuterRef("local_day"))
    two_levels_out = {"start_date__lte": day, "end_date__gte": day}
    frozen = FreezePeriod.objects.filter(
        membership__group_id=OuterRef("group_id"), membership__student_id__in=students, **covering
    )
    on_roster = (
        Membership.objects.filter(group_id=OuterRef("group_id"), student_id__in=students)
        .filter(joined_on__lte=OuterRef("local_day"))
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=OuterRef("local_day")))
        .exclude(Exists(FreezePeriod.objects.filter(membership_id=OuterRef("pk"), **two_levels_out)))
    )
    return (
        qs.alias(local_day=TruncDate("starts_at", tzinfo=timezone.get_default_timezone()))
        .alias(frozen=Exists(frozen), on_roster=Exists(on_roster))
        .exclude(frozen=True, on_roster=False)
    )


def lesson_local_date(lesson: Lesson) -> date:
    """The lesson's date in the center's time zone (rosters and freezes are by local date)."""
    return timezone.localtime(lesson.starts_at).date()


def lesson_roster(lesson: Lesson) -> QuerySet[Membership]:
    """Memberships on this lesson's roster: joined by then, not left, not frozen that day."""
    return memberships_on(lesson.group_id, lesson_local_date(lesson)).select_related("student")


def lesson_roster_student_ids(lesson: Lesson) -> list[int]:
    return list(lesson_roster(lesson).values_list("student_id", flat=True))


def makeup_seats_of(lesson_ids) -> QuerySet:
    """The make-up seats at these lessons, with their students (roster lines beside the members)."""
    from modules.lessons.models import MakeupSeat

    return MakeupSeat.objects.filter(lesson_id__in=lesson_ids).select_related("student")


def lesson_audience_ids(lesson: Lesson) -> list[int] | None:
    """Students who attend `lesson` when that is not its group's roster: a make-up lesson's seated
    students. None for a regular lesson (its group's students, whom group channels already reach)."""
    if lesson.kind != Lesson.Kind.MAKEUP:
        return None
    return list(makeup_seats_of([lesson.pk]).values_list("student_id", flat=True))


# --- reads behind the lessons API --------------------------------------------------------------------


def local_day_start(day: date):
    """Midnight of a local date in the center's zone, as an aware datetime."""
    from datetime import datetime, time

    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def with_relations(qs: QuerySet[Lesson]) -> QuerySet[Lesson]:
    """Everything LessonOut shows, joined in one query, and only those columns (a page of 100 then
    builds and parses a fraction of the rows' fields)."""
    return qs.select_related("group", "group__course", "group__branch", "teacher", "room").only(
        *LESSON_OUT_FIELDS
    )


LESSON_OUT_FIELDS = (
    "id",
    "group_id",
    "schedule_id",
    "teacher_id",
    "room_id",
    "starts_at",
    "ends_at",
    "original_starts_at",
    "status",
    "kind",
    "topic",
    "notes",
    "cancel_reason",
    "updated_at",
    "group__id",
    "group__name",
    "group__teacher_id",
    "group__course_id",
    "group__branch_id",
    "group__start_date",
    "group__end_date",
    "group__course__id",
    "group__course__name",
    "group__course__level",
    "group__course__language",
    "group__branch__id",
    "group__branch__name",
    "teacher__id",
    "teacher__first_name",
    "teacher__last_name",
    "room__id",
    "room__name",
)


def lesson_list(
    user: User,
    *,
    group: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    status: str | None = None,
    teacher: int | None = None,
    student: int | None = None,
    branch: int | None = None,
    ordering: str = "starts_at",
) -> QuerySet[Lesson]:
    """Lessons `user` may see, filtered; dates are local days in the center's zone, both inclusive."""
    from datetime import timedelta

    qs = lessons_visible_to(user)
    if group is not None:
        qs = qs.filter(group_id=group)
    if date_from is not None:
        qs = qs.filter(starts_at__gte=local_day_start(date_from))
    if date_to is not None:
        qs = qs.filter(starts_at__lt=local_day_start(date_to + timedelta(days=1)))
    if status:
        qs = qs.filter(status=status)
    if teacher is not None:
        qs = qs.filter(teacher_id=teacher)
    if student is not None:
        qs = qs.filter(group_id__in=Membership.objects.filter(student_id=student).values("group_id"))
    if branch is not None:
        qs = qs.filter(group__branch_id=branch)
    return as_lesson_rows(order_by(without_frozen_days(qs, user), ordering), viewer=user)


_ROW_FIELDS = (
    "id",
    "starts_at",
    "ends_at",
    "original_starts_at",
    "status",
    "kind",
    "topic",
    "notes",
    "cancel_reason",
    "group_id",
    "group__name",
    "group__course_id",
    "group__course__name",
    "group__course__level",
    "group__course__language",
    "group__branch_id",
    "group__branch__name",
    "teacher_id",
    "teacher__first_name",
    "teacher__last_name",
    "room_id",
    "room__name",
)


class _LessonRowIterable(ValuesIterable):
    """Rows of a values() query shaped like LessonOut (nested group, course, branch, teacher, room).
    A page of 100 lessons then builds 100 dicts instead of 600 model instances (each with its
    init signals), which is most of a list request's Python time."""

    def __iter__(self):
        rows = [self._shape(r) for r in super().__iter__()]
        viewer = getattr(self.queryset, "_viewer", None)
        if viewer is not None and rows:
            # the viewer's own status on each lesson of the page: one query per loader, any page size
            extras = viewer_fields(viewer, [row["id"] for row in rows])
            for row in rows:
                row.update(extras[row["id"]])
        return iter(rows)

    @staticmethod
    def _shape(r: dict) -> dict:
        return {
            "id": r["id"],
            "starts_at": r["starts_at"],
            "ends_at": r["ends_at"],
            "original_starts_at": r["original_starts_at"],
            "status": r["status"],
            "kind": r["kind"],
            "topic": r["topic"],
            "notes": r["notes"],
            "cancel_reason": r["cancel_reason"],
            "group": {
                "id": r["group_id"],
                "name": r["group__name"],
                "course": {
                    "id": r["group__course_id"],
                    "name": r["group__course__name"],
                    "level": r["group__course__level"],
                    "language": r["group__course__language"],
                },
                "branch": {"id": r["group__branch_id"], "name": r["group__branch__name"]},
            },
            "teacher": {
                "id": r["teacher_id"],
                "first_name": r["teacher__first_name"],
                "last_name": r["teacher__last_name"],
            },
            "room": None if r["room_id"] is None else {"id": r["room_id"], "name": r["room__name"]},
        }


class _LessonRows(QuerySet):
    """Counts on the unjoined lessons query: the joins values() adds for names would otherwise be
    part of the pagination's COUNT(*) too, for nothing."""

    _count_base: QuerySet | None = None
    _viewer: User | None = None

    def _clone(self):
        clone = super()._clone()
        clone._count_base = self._count_base
        clone._viewer = self._viewer
        return clone

    def count(self) -> int:
        if self._count_base is not None and not self.query.is_sliced:
            return self._count_base.count()
        return super().count()


def as_lesson_rows(qs: QuerySet[Lesson], *, viewer: User | None = None) -> QuerySet:
    """`qs` yielding LessonOut-shaped dicts (one joined query; count() and slicing work as usual),
    with `viewer`'s own fields (modules.lessons.viewer) when a viewer is given."""
    base = _LessonRows(model=Lesson, query=qs.query.chain())
    base._count_base = qs
    base._viewer = viewer
    rows = base.values(*_ROW_FIELDS)
    rows._iterable_class = _LessonRowIterable  # the hook values()/values_list() use for row shapes
    return rows


def lesson_for(user: User, lesson_id: int) -> Lesson:
    """One lesson `user` may see, or 404."""
    from core.exceptions import NotFound

    lesson = with_relations(lessons_visible_to(user)).filter(pk=lesson_id).first()
    if lesson is None:
        raise NotFound(_("Lesson not found."))
    return lesson


def lesson_with_relations(lesson_id: int) -> Lesson:
    return with_relations(Lesson.objects.all()).get(pk=lesson_id)


def lesson_reschedules(lesson_id: int):
    from modules.lessons.models import LessonReschedule

    return (
        LessonReschedule.objects.filter(lesson_id=lesson_id)
        .select_related("actor", "from_room", "to_room")
        .order_by("created_at", "id")
    )


def calendar_feed_by_token(raw_token: str):
    """The live calendar feed (with its active user) a raw token names, or None."""
    import hashlib

    from modules.lessons.models import CalendarFeed

    digest = hashlib.sha256(raw_token.encode()).hexdigest()
    feed = (
        CalendarFeed.objects.filter(token_hash=digest, revoked_at__isnull=True, user__is_active=True)
        .select_related("user")
        .first()
    )
    return feed


def live_calendar_feed(user: User):
    from modules.lessons.models import CalendarFeed

    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


def calendar_lessons(user: User, *, since, until) -> QuerySet[Lesson]:
    """What a user's calendar feed lists: their visible lessons in [since, until)."""
    return (
        with_relations(without_frozen_days(lessons_visible_to(user), user))
        .filter(starts_at__gte=since, starts_at__lt=until)
        .order_by("starts_at", "id")
    )

"""The rows of an attendance import and the resolver that turns their cells into lessons, students
and statuses with a fixed number of queries (bulk lookups, rosters read once per group and day).
modules/attendance/importer.py reads the file and applies the resolved rows."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError
from modules.accounts.models import User
from modules.accounts.phones import InvalidPhone, normalize_phone
from modules.attendance import permissions
from modules.attendance.models import Status
from modules.center.selectors import get_system_settings
from modules.courses.models import Membership
from modules.courses.selectors import groups_visible_to, on_roster
from modules.lessons.models import Lesson
from modules.lessons.selectors import lesson_local_date, lessons_visible_to


@dataclass
class ImportRow:
    row: int
    cells: dict
    errors: list[str] = field(default_factory=list)
    lesson: Lesson | None = None
    student_id: int | None = None
    status: str | None = None
    result: str | None = None
    phone: str | None = None  # the normalized phone the row named its student by, if it did

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def lesson_id(self) -> int | None:
        return self.lesson.pk if self.lesson else None


def _not_on_roster_by_phone(phone: str) -> str:
    return _("no student with phone {phone} on the lesson's roster").format(phone=phone)


def _parse_date(value) -> date | None:
    if isinstance(value, date):
        return value
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(str(value), fmt).date()
        except ValueError:
            continue
    return None


def _int(value) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


class RowResolver:
    """Turns cells into lessons, students and statuses with a fixed number of queries."""

    def __init__(self, actor: User):
        self.actor = actor
        self.now = timezone.now()
        self.window = get_system_settings().attendance_edit_window_days
        self._phones: dict[str, str | None] = {}
        self._roster_cache: dict[tuple[int, date], set[int]] = {}

    def resolve(self, rows: list[ImportRow]) -> None:
        for r in rows:
            self._status(r)
        lessons = self._lessons(rows)
        students = self._students(rows)
        rosters = self._rosters({lesson.group_id for lesson in lessons})
        seen: set[tuple[int, int]] = set()
        for r in rows:
            if r.lesson is not None:
                self._check_lesson(r)
            if r.lesson is not None and r.student_id is not None and r.ok:
                self._check_roster(r, rosters, seen, students)

    def _status(self, r: ImportRow) -> None:
        raw = str(r.cells.get("status") or "").strip().lower()
        if raw in Status.values:
            r.status = raw
        else:
            r.errors.append(
                _("status must be one of {choices} (got {raw!r})").format(
                    choices=", ".join(Status.values), raw=raw
                )
                if raw
                else _("status is empty")
            )

    def _lessons(self, rows: list[ImportRow]) -> list[Lesson]:
        visible = lessons_visible_to(self.actor).select_related("group")
        ids = {i for r in rows if (i := _int(r.cells.get("lesson_id"))) is not None}
        by_id = {lesson.pk: lesson for lesson in visible.filter(pk__in=ids)} if ids else {}
        groups = self._groups(rows)
        wanted = [(r, _parse_date(r.cells.get("date"))) for r in rows if r.cells.get("lesson_id") is None]
        days = [d for _row, d in wanted if d]
        by_day: dict[tuple[int, date], list[Lesson]] = defaultdict(list)
        if groups and days:
            tz = timezone.get_current_timezone()
            start = timezone.make_aware(datetime.combine(min(days), datetime.min.time()), tz)
            end = timezone.make_aware(
                datetime.combine(max(days) + timedelta(days=1), datetime.min.time()), tz
            )
            for lesson in visible.filter(
                group_id__in={g.pk for g in groups.values()}, starts_at__gte=start, starts_at__lt=end
            ):
                by_day[(lesson.group_id, lesson_local_date(lesson))].append(lesson)
        for r in rows:
            if r.cells.get("lesson_id") is not None:
                lesson_id = _int(r.cells["lesson_id"])
                r.lesson = by_id.get(lesson_id)
                if r.lesson is None:
                    r.errors.append(_("lesson {lesson_id} not found").format(lesson_id=r.cells["lesson_id"]))
        for r, day in wanted:
            self._lesson_by_day(r, day, groups, by_day)
        return [r.lesson for r in rows if r.lesson is not None]

    def _lesson_by_day(self, r: ImportRow, day, groups, by_day) -> None:
        raw_group = r.cells.get("group")
        if raw_group is None or r.cells.get("date") is None:
            r.errors.append(_("give lesson_id, or group and date"))
            return
        group = groups.get(str(raw_group).lower())
        if group is None:
            r.errors.append(_("group {group!r} not found").format(group=raw_group))
            return
        if day is None:
            r.errors.append(_("date {date!r} is not YYYY-MM-DD or DD.MM.YYYY").format(date=r.cells["date"]))
            return
        found = by_day.get((group.pk, day), [])
        live = [lesson for lesson in found if lesson.status != Lesson.Status.CANCELLED] or found
        if len(live) == 1:
            r.lesson = live[0]
        elif not live:
            r.errors.append(
                _("group {group!r} has no lesson on {day}").format(group=group.name, day=day.isoformat())
            )
        else:
            r.errors.append(
                _("group {group!r} has {count} lessons on {day}; use lesson_id").format(
                    group=group.name, count=len(live), day=day.isoformat()
                )
            )

    def _groups(self, rows: list[ImportRow]) -> dict:
        raw = {str(r.cells["group"]).lower() for r in rows if r.cells.get("group") is not None}
        if not raw:
            return {}
        ids = {int(v) for v in raw if v.isdigit()}
        found = groups_visible_to(self.actor).annotate(lname=Lower("name"))
        out = {}
        for group in found.filter(Q(pk__in=ids) | Q(lname__in=raw)):
            out[group.lname] = group
            out[str(group.pk)] = group  # an id wins over a group named like a number
        return out

    def _students(self, rows: list[ImportRow]) -> dict[int, User]:
        phones: dict[int, str] = {}
        ids = set()
        for r in rows:
            if r.cells.get("student_id") is not None:
                sid = _int(r.cells["student_id"])
                if sid is None:
                    r.errors.append(
                        _("student_id {student_id!r} is not a number").format(
                            student_id=r.cells["student_id"]
                        )
                    )
                else:
                    r.student_id = sid
                    ids.add(sid)
            elif r.cells.get("phone") is not None:
                normalized = self._phone(str(r.cells["phone"]))
                if normalized is None:
                    r.errors.append(
                        _("phone {phone!r} is not a valid Uzbek number").format(phone=r.cells["phone"])
                    )
                else:
                    phones[id(r)] = normalized
            else:
                r.errors.append(_("give student_id or phone"))
        # A phone finds only students of groups the actor may see: anyone else's number gets the
        # answer a number nobody has gets (no id, no hint that the account exists).
        in_visible_groups = Membership.objects.filter(
            student=OuterRef("pk"), group__in=groups_visible_to(self.actor)
        )
        students = User.objects.filter(
            Q(pk__in=ids) | (Q(phone__in=set(phones.values())) & Exists(in_visible_groups)),
            role=User.Role.STUDENT,
        )
        by_id = {s.pk: s for s in students}
        by_phone = {s.phone: s for s in by_id.values() if s.phone in set(phones.values())}
        for r in rows:
            if id(r) in phones:
                r.phone = phones[id(r)]
                student = by_phone.get(r.phone)
                if student is None:
                    r.errors.append(_not_on_roster_by_phone(r.phone))
                else:
                    r.student_id = student.pk
            elif r.student_id is not None and r.student_id not in by_id:
                r.errors.append(_("student {student_id} does not exist").format(student_id=r.student_id))
                r.student_id = None
        return by_id

    def _rosters(self, group_ids: set[int]) -> dict[int, list[Membership]]:
        out: dict[int, list[Membership]] = defaultdict(list)
        for m in Membership.objects.filter(group_id__in=group_ids).prefetch_related("freezes"):
            out[m.group_id].append(m)
        return out

    def _check_lesson(self, r: ImportRow) -> None:
        try:
            permissions.ensure_can_mark(self.actor, r.lesson, now=self.now, window_days=self.window)
            if r.status:
                permissions.ensure_started(r.lesson, {r.status}, now=self.now)
        except ApplicationError as exc:
            r.errors.append(str(exc.detail))

    def _phone(self, raw: str) -> str | None:
        # A file repeats each student's phone on every lesson: parse each spelling once.
        if raw not in self._phones:
            try:
                self._phones[raw] = normalize_phone(raw)
            except InvalidPhone:
                self._phones[raw] = None
        return self._phones[raw]

    def _roster_ids(self, lesson: Lesson, rosters) -> tuple[date, set[int]]:
        day = lesson_local_date(lesson)
        key = (lesson.group_id, day)
        if key not in self._roster_cache:
            self._roster_cache[key] = {m.student_id for m in rosters[lesson.group_id] if on_roster(m, day)}
        return day, self._roster_cache[key]

    def _check_roster(self, r: ImportRow, rosters, seen, students) -> None:
        day, roster_ids = self._roster_ids(r.lesson, rosters)
        if r.student_id not in roster_ids and r.phone is not None:
            # The phone matched someone outside this lesson's roster: the same answer as for a phone
            # nobody has, and no id, so a file cannot probe who owns a number.
            r.errors.append(_not_on_roster_by_phone(r.phone))
            r.student_id = None
        elif r.student_id not in roster_ids:
            r.errors.append(
                _("student {student_id} is not on the roster of lesson {lesson_id} ({day})").format(
                    student_id=r.student_id, lesson_id=r.lesson.pk, day=day.isoformat()
                )
            )
        elif (r.lesson.pk, r.student_id) in seen:
            r.errors.append(
                _("student {student_id} appears twice for lesson {lesson_id}").format(
                    student_id=r.student_id, lesson_id=r.lesson.pk
                )
            )
        seen.add((r.lesson.pk, r.student_id))

"""Reads of the front office: the leads list (filters, search, ordering), one lead, its history
and trial bookings. A branch admin sees the leads of their branches and the leads that name no branch
yet (an enquiry nobody has placed is every branch's to pick up); another branch's lead is a 404."""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from core.exceptions import NotFound
from core.ordering import order_by
from modules.accounts.models import User
from modules.attendance.models import TrialVisit
from modules.courses.branches import branch_ids_of
from modules.crm.models import Lead, LeadEvent

_DIGITS = re.compile(r"\D")


def _with_relations(qs: QuerySet[Lead]) -> QuerySet[Lead]:
    return qs.select_related("course", "branch", "assignee")


def _search(term: str) -> Q:
    """Names and email contain the term; a phone matches on its digits (any spacing or prefix)."""
    q = Q(first_name__icontains=term) | Q(last_name__icontains=term) | Q(email__icontains=term)
    digits = _DIGITS.sub("", term)
    if len(digits) >= 4:
        q |= Q(phone__contains=digits)
    return q


def leads_visible_to(user: User | None) -> QuerySet[Lead]:
    """Every lead for the director (and for None: jobs and benchmarks); a branch admin's otherwise."""
    ids = branch_ids_of(user) if user is not None else None
    if ids is None:
        return Lead.objects.all()
    return Lead.objects.filter(Q(branch_id__in=ids) | Q(branch__isnull=True))


def lead_list(
    user: User | None,
    *,
    status: str | None = None,
    source: str | None = None,
    assignee: int | None = None,
    branch: int | None = None,
    course: int | None = None,
    search: str | None = None,
    ordering: str = "-created_at",
) -> QuerySet[Lead]:
    qs = leads_visible_to(user)
    for field, value in (
        ("status", status),
        ("source", source),
        ("assignee_id", assignee),
        ("branch_id", branch),
        ("course_id", course),
    ):
        if value is not None:
            qs = qs.filter(**{field: value})
    if search and search.strip():
        qs = qs.filter(_search(search.strip()))
    return order_by(_with_relations(qs), ordering)


def lead_get(user: User | None, lead_id: int) -> Lead:
    lead = _with_relations(leads_visible_to(user).filter(pk=lead_id)).first()
    if lead is None:
        raise NotFound(_("Lead not found."))
    return lead


def lead_detail(user: User | None, lead_id: int) -> Lead:
    """The lead with its trial bookings (`.trials`, newest first)."""
    lead = lead_get(user, lead_id)
    lead.trials = [
        {
            "lesson_id": v.lesson_id,
            "group_id": v.lesson.group_id,
            "starts_at": v.lesson.starts_at,
            "status": v.status,
        }
        for v in TrialVisit.objects.filter(lead_id=lead.pk)
        .select_related("lesson")
        .order_by("-lesson__starts_at")
    ]
    return lead


def lead_history(lead: Lead) -> QuerySet[LeadEvent]:
    return LeadEvent.objects.filter(lead=lead).select_related("actor").order_by("created_at", "id")


def next_trial_lesson(lead: Lead, *, now, days: int = 14):
    """The soonest scheduled lesson of the lead's course (in its branch, when it names one) within
    `days` that still has a free place, or None."""
    from datetime import timedelta

    from modules.attendance.trials import lesson_capacity, lesson_headcount
    from modules.lessons.models import Lesson

    if lead.course_id is None:
        return None
    qs = Lesson.objects.filter(
        group__course_id=lead.course_id,
        kind=Lesson.Kind.REGULAR,
        status=Lesson.Status.SCHEDULED,
        starts_at__gt=now,
        starts_at__lt=now + timedelta(days=days),
    ).select_related("group", "group__room", "room")
    if lead.branch_id is not None:
        qs = qs.filter(group__branch_id=lead.branch_id)
    for lesson in qs.order_by("starts_at", "id")[:20]:
        if lesson_capacity(lesson) > lesson_headcount(lesson):
            return lesson
    return None

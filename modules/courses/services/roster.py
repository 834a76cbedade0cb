"""Students joining, leaving, pausing and moving. Rows are never deleted: leaving sets left_on,
moving closes one membership and opens another that points back (moved_from)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import Conflict, ValidationFailed
from modules.accounts.models import User
from modules.courses.models import FreezePeriod, Group, Membership
from modules.courses.selectors import open_member_count
from modules.courses.signals import MembershipChanged, membership_changed


def _locked_group(group_id: int) -> Group:
    # The row lock serialises joins, so two requests cannot both take the last seat.
    return Group.objects.select_for_update().get(pk=group_id)


def _check_can_join(group: Group, student: User, on: date) -> None:
    if student.role != User.Role.STUDENT:
        raise ValidationFailed.field("student_id", _("only students can join a group"), code="not_a_student")
    if not student.is_active:
        raise ValidationFailed.field(
            "student_id", _("the student's account is deactivated"), code="inactive_student"
        )
    if group.status == Group.Status.FINISHED:
        raise Conflict(_("The group has finished."), code="group_finished")
    if group.end_date is not None and on > group.end_date:
        raise ValidationFailed.field("joined_on", _("after the group's end date"), code="outside_group_dates")
    if (
        Membership.objects.filter(group=group, student=student)
        .exclude(status=Membership.Status.LEFT)
        .exists()
    ):
        raise Conflict(_("The student is already in this group."), code="already_member")
    if open_member_count(group.pk) >= group.capacity:
        raise Conflict(_("The group is full."), code="group_full")


def _open(group: Group, student: User, on: date, **extra) -> Membership:
    try:
        with transaction.atomic():
            return Membership.objects.create(group=group, student=student, joined_on=on, **extra)
    except IntegrityError as exc:  # the partial unique index caught a concurrent join
        raise Conflict(_("The student is already in this group."), code="already_member") from exc


@transaction.atomic
def membership_add(
    *,
    group: Group,
    student: User,
    actor: User | None,
    joined_on: date | None = None,
    discount_type: str = Membership.DiscountType.NONE,
    discount_value: int = 0,
) -> Membership:
    group = _locked_group(group.pk)
    on = joined_on or max(timezone.localdate(), group.start_date)
    _check_can_join(group, student, on)
    if discount_type == Membership.DiscountType.PERCENT and discount_value > 100:
        raise ValidationFailed.field("discount_value", _("a percent discount is at most 100"))
    membership = _open(group, student, on, discount_type=discount_type, discount_value=discount_value)
    _announce(membership, "joined", actor)
    return membership


def _close(membership: Membership, on: date) -> None:
    if on < membership.joined_on:
        raise ValidationFailed.field("left_on", _("before the student joined"), code="before_joined")
    membership.status = Membership.Status.LEFT
    membership.left_on = on
    membership.save(update_fields=["status", "left_on", "updated_at"])


@transaction.atomic
def membership_remove(
    *, membership: Membership, actor: User | None, left_on: date | None = None
) -> Membership:
    """The student leaves: `left_on` is the first day they are no longer in the group."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.status == Membership.Status.LEFT:
        raise Conflict(_("The student already left this group."), code="already_left")
    _close(membership, left_on or timezone.localdate())
    _announce(membership, "left", actor)
    return membership


@transaction.atomic
def membership_move(
    *, membership: Membership, to_group: Group, actor: User | None, on: date | None = None
) -> Membership:
    """Moves a student to another group from `on`: this membership is closed (kept as history) and
    a new one opens with the same discount, pointing back through moved_from. Returns the new one."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.status == Membership.Status.LEFT:
        raise Conflict(_("The student already left this group."), code="already_left")
    if to_group.pk == membership.group_id:
        raise ValidationFailed.field(
            "to_group_id", _("the student is already in this group"), code="same_group"
        )
    day = on or timezone.localdate()
    target = _locked_group(to_group.pk)
    _check_can_join(target, membership.student, max(day, target.start_date))
    _close(membership, day)
    moved = _open(
        target,
        membership.student,
        max(day, target.start_date),
        discount_type=membership.discount_type,
        discount_value=membership.discount_value,
        moved_from=membership,
    )
    _announce(moved, "moved", actor)
    return moved


def _status_on(membership: Membership, day: date) -> str:
    frozen = membership.freezes.filter(start_date__lte=day, end_date__gte=day).exists()
    return Membership.Status.FROZEN if frozen else Membership.Status.ACTIVE


@transaction.atomic
def membership_freeze(
    *, membership: Membership, start_date: date, end_date: date, reason: str = "", actor: User | None
) -> Membership:
    """Pauses a student for [start_date, end_date]: off those lessons' rosters and not billed."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.status == Membership.Status.LEFT:
        raise Conflict(_("The student left this group."), code="already_left")
    if end_date < start_date:
        raise ValidationFailed.field("end_date", _("end_date must not be before start_date"))
    if start_date < membership.joined_on:
        raise ValidationFailed.field("start_date", _("before the student joined"), code="before_joined")
    if membership.freezes.filter(start_date__lte=end_date, end_date__gte=start_date).exists():
        raise Conflict(_("This overlaps another freeze of the student."), code="freeze_overlap")
    FreezePeriod.objects.create(
        membership=membership, start_date=start_date, end_date=end_date, reason=reason
    )
    _set_status(membership, _status_on(membership, timezone.localdate()))
    _announce(membership, "frozen", actor)
    return membership


@transaction.atomic
def membership_unfreeze(*, membership: Membership, actor: User | None, on: date | None = None) -> Membership:
    """Ends the student's pause from `on` (today by default): a freeze covering that day is cut short
    and later ones are removed."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    day = on or timezone.localdate()
    current = list(membership.freezes.filter(end_date__gte=day))
    if not current:
        raise Conflict(_("The student has no freeze from this day on."), code="not_frozen")
    for freeze in current:
        if freeze.start_date >= day:
            freeze.delete()
        else:
            freeze.end_date = day - timedelta(days=1)
            freeze.save(update_fields=["end_date", "updated_at"])
    _set_status(membership, _status_on(membership, timezone.localdate()))
    _announce(membership, "unfrozen", actor)
    return membership


def _set_status(membership: Membership, status: str) -> bool:
    if membership.status == status or membership.status == Membership.Status.LEFT:
        return False
    membership.status = status
    membership.save(update_fields=["status", "updated_at"])
    return True


def memberships_sync_status(*, today: date | None = None) -> int:
    """Nightly: a membership's status reads `frozen` exactly on days a freeze covers. Silent (no
    signal): membership_changed already went out when the freeze was added or ended, and billing
    goes by the freeze dates. Returns how many changed."""
    day = today or timezone.localdate()
    covering = FreezePeriod.objects.filter(start_date__lte=day, end_date__gte=day).values("membership_id")
    open_rows = Membership.objects.exclude(status=Membership.Status.LEFT)
    to_frozen = open_rows.filter(status=Membership.Status.ACTIVE, pk__in=covering).update(
        status=Membership.Status.FROZEN, updated_at=timezone.now()
    )
    to_active = (
        open_rows.filter(status=Membership.Status.FROZEN)
        .exclude(pk__in=covering)
        .update(status=Membership.Status.ACTIVE, updated_at=timezone.now())
    )
    return to_frozen + to_active


def _announce(membership: Membership, change: str, actor) -> None:
    """membership_changed with its typed event (ids, for reactions) and the objects (for audit)."""
    event = MembershipChanged(
        membership.pk,
        membership.group_id,
        membership.student_id,
        change,
        getattr(actor, "pk", None),
        moved_from_id=membership.moved_from_id,
    )
    membership_changed.send(sender=Membership, event=event, membership=membership, change=change, actor=actor)

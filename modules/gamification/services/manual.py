"""Coins given or taken by hand: teachers for students of their groups (awards within a daily limit
from the coin rules), admins for anyone (and only admins may take a balance below zero)."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import Conflict, PermissionDenied, ValidationFailed
from modules.accounts.models import User
from modules.courses.branches import refuse_other_branch
from modules.courses.models import Group, Membership
from modules.gamification.models import CoinTransaction, Reason
from modules.gamification.periods import local_midnight
from modules.gamification.rules import coin_rules
from modules.gamification.services.ledger import coins_post


def _check_group(*, actor: User, student: User, group_id: int | None) -> None:
    if group_id is None:
        return
    group = Group.objects.filter(pk=group_id).only("id", "teacher_id", "branch_id").first()
    in_group = Membership.objects.filter(group_id=group_id, student=student).exclude(
        status=Membership.Status.LEFT
    )
    if group is None or not in_group.exists():
        raise ValidationFailed.field("group_id", _("The student is not in this group."))
    if actor.role == User.Role.TEACHER and group.teacher_id != actor.pk:
        raise ValidationFailed.field("group_id", _("You do not teach this group."))
    refuse_other_branch(actor, group.branch_id, "group_id")  # a branch admin: their branches' groups


def teacher_awarded_today(teacher: User) -> int:
    today = local_midnight(timezone.localdate())
    total = CoinTransaction.objects.filter(
        created_by=teacher, reason=Reason.MANUAL_AWARD, created_at__gte=today
    ).aggregate(total=Sum("amount"))["total"]
    return total or 0


def _check_daily_limit(teacher: User, amount: int) -> None:
    # the teacher's row lock serialises their awards, so two requests cannot both slip under the limit
    User.objects.select_for_update().filter(pk=teacher.pk).values("pk").first()
    limit = int(coin_rules()["teacher_daily_limit"])
    used = teacher_awarded_today(teacher)
    if used + amount > limit:
        raise Conflict(
            _("Daily award limit reached: {used} of {limit} coins given today.").format(
                used=used, limit=limit
            ),
            code="daily_limit_exceeded",
            extra={"limit": limit, "used": used},
        )


def coins_award(
    *,
    actor: User,
    student: User,
    amount: int,
    note: str,
    group_id: int | None = None,
    idempotency_key: str | None = None,
) -> tuple[CoinTransaction, bool]:
    if amount <= 0:
        raise ValidationFailed.field("amount", _("Must be positive."))
    replay = _replay(actor, student, amount, idempotency_key)
    if replay is not None:
        return replay, False
    _check_group(actor=actor, student=student, group_id=group_id)
    if actor.role != User.Role.TEACHER:  # coins_post is its own transaction
        return _post(actor, student, amount, Reason.MANUAL_AWARD, note, group_id, idempotency_key, False)
    with transaction.atomic():  # the limit check and the award commit together
        _check_daily_limit(actor, amount)
        return _post(actor, student, amount, Reason.MANUAL_AWARD, note, group_id, idempotency_key, False)


def coins_deduct(
    *,
    actor: User,
    student: User,
    amount: int,
    note: str,
    group_id: int | None = None,
    idempotency_key: str | None = None,
    allow_negative: bool = False,
) -> tuple[CoinTransaction, bool]:
    if amount <= 0:
        raise ValidationFailed.field("amount", _("Must be positive."))
    if allow_negative and actor.role != User.Role.ADMIN:
        raise PermissionDenied(_("Only an admin may take a balance below zero."), code="override_not_allowed")
    replay = _replay(actor, student, -amount, idempotency_key)
    if replay is not None:
        return replay, False
    _check_group(actor=actor, student=student, group_id=group_id)
    return _post(
        actor, student, -amount, Reason.MANUAL_DEDUCT, note, group_id, idempotency_key, allow_negative
    )


def _full_key(actor: User, key: str | None) -> str:
    # a client key is scoped to its author, so two users can never collide on each other's keys
    return f"manual:{actor.pk}:{key}" if key else f"manual:{uuid.uuid4().hex}"


def _replay(actor: User, student: User, amount: int, key: str | None) -> CoinTransaction | None:
    """The transaction a retried request (same idempotency key) already made, if any."""
    if not key:
        return None
    tx = CoinTransaction.objects.filter(idempotency_key=_full_key(actor, key)).first()
    if tx is not None and (tx.student_id != student.pk or tx.amount != amount):
        raise Conflict(_("This idempotency key was used for another request."), code="idempotency_key_reused")
    return tx


def _post(actor, student, amount, reason, note, group_id, key, allow_negative):
    if student.role != User.Role.STUDENT:
        raise ValidationFailed.field("student_id", _("Coins are for students only."))
    return coins_post(
        student_id=student.pk,
        amount=amount,
        reason=reason,
        idempotency_key=_full_key(actor, key),
        source_type="user",
        source_id=actor.pk,
        group_id=group_id,
        created_by_id=actor.pk,
        note=note,
        allow_negative=allow_negative,
    )

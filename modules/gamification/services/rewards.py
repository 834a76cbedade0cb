"""The rewards shop. Redeeming takes the coins and one item of stock in one transaction: the stock is
decremented with a guarded UPDATE (stock > 0), so when two students race for the last item exactly
one UPDATE matches and the other gets a 409 with nothing charged."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import Conflict
from modules.accounts.models import User
from modules.gamification.models import Reason, Redemption, Reward
from modules.gamification.services.ledger import account_lock, coins_post
from modules.gamification.signals import (
    RedemptionChanged,
    RewardRedeemed,
    reward_redeemed,
    reward_redemption_changed,
)


def reward_create(
    *, name: str, price: int, description: str = "", stock: int = 0, is_active: bool = True
) -> Reward:
    return Reward.objects.create(
        name=name, description=description, price=price, stock=stock, is_active=is_active
    )


def reward_update(*, reward: Reward, **fields) -> Reward:
    fields = {k: v for k, v in fields.items() if v is not None}
    for name, value in fields.items():
        setattr(reward, name, value)
    if fields:
        reward.save(update_fields=[*fields, "updated_at"])
    return reward


@transaction.atomic
def reward_delete(*, reward: Reward) -> None:
    if reward.redemptions.exists():
        raise Conflict(
            _("This reward has redemptions; deactivate it instead (is_active: false)."), code="reward_in_use"
        )
    reward.delete()


@transaction.atomic
def reward_redeem(*, student: User, reward: Reward) -> Redemption:
    if student.role != User.Role.STUDENT:
        raise Conflict(_("Only students can redeem rewards."), code="not_a_student")
    # lock order everywhere: the student's balance, then the reward row (no deadlocks)
    account = account_lock(student.pk)
    reward = Reward.objects.get(pk=reward.pk)
    if not reward.is_active:
        raise Conflict(_("This reward is not available."), code="reward_inactive")
    if account.balance < reward.price:
        raise Conflict(
            _("Not enough coins: {price} needed, {balance} available.").format(
                price=reward.price, balance=account.balance
            ),
            code="insufficient_coins",
            extra={"balance": account.balance, "price": reward.price},
        )
    taken = Reward.objects.filter(pk=reward.pk, is_active=True, stock__gt=0).update(
        stock=F("stock") - 1, updated_at=timezone.now()
    )
    if not taken:
        raise Conflict(_("This reward is out of stock."), code="out_of_stock")
    redemption = Redemption.objects.create(reward=reward, student=student, price=reward.price)
    coins_post(
        student_id=student.pk,
        amount=-reward.price,
        reason=Reason.REDEMPTION,
        idempotency_key=f"redemption:{redemption.pk}",
        source_type="redemption",
        source_id=redemption.pk,
        created_by_id=student.pk,
        note=reward.name,
    )
    reward_redeemed.send(
        sender=Redemption, event=RewardRedeemed(redemption.pk, student.pk), redemption=redemption
    )
    return redemption


def _lock_pending(redemption: Redemption) -> Redemption:
    locked = Redemption.objects.select_for_update().select_related("reward", "student").get(pk=redemption.pk)
    if locked.status != Redemption.Status.PENDING:
        raise Conflict(
            _("This redemption is already {status}.").format(status=locked.get_status_display().lower()),
            code="redemption_not_pending",
        )
    return locked


@transaction.atomic
def redemption_hand_over(*, redemption: Redemption, actor: User) -> Redemption:
    locked = _lock_pending(redemption)
    locked.status = Redemption.Status.HANDED_OVER
    locked.handed_over_at = timezone.now()
    locked.handled_by = actor
    locked.save(update_fields=["status", "handed_over_at", "handled_by", "updated_at"])
    reward_redemption_changed.send(
        sender=Redemption,
        event=RedemptionChanged(locked.pk, locked.student_id, "handed_over"),
        redemption=locked,
        change="handed_over",
    )
    return locked


@transaction.atomic
def redemption_cancel(*, redemption: Redemption, actor: User) -> Redemption:
    """Cancels a pending redemption: the coins come back and the item returns to stock."""
    locked = _lock_pending(redemption)
    account_lock(locked.student_id)  # before the reward row, as reward_redeem does
    locked.status = Redemption.Status.CANCELLED
    locked.cancelled_at = timezone.now()
    locked.handled_by = actor
    locked.save(update_fields=["status", "cancelled_at", "handled_by", "updated_at"])
    Reward.objects.filter(pk=locked.reward_id).update(stock=F("stock") + 1, updated_at=timezone.now())
    coins_post(
        student_id=locked.student_id,
        amount=locked.price,
        reason=Reason.REDEMPTION_REFUND,
        idempotency_key=f"redemption:{locked.pk}:refund",
        source_type="redemption",
        source_id=locked.pk,
        created_by_id=actor.pk,
        note=locked.reward.name,
    )
    reward_redemption_changed.send(
        sender=Redemption,
        event=RedemptionChanged(locked.pk, locked.student_id, "cancelled"),
        redemption=locked,
        change="cancelled",
    )
    return locked

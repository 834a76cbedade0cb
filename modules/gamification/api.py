from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status

from core.idempotency import idempotent
from core.pagination import CursorPagination, paginate
from core.permissions import IsAdmin, IsStudent, IsTeacher, check
from core.schemas import errors
from modules.gamification import selectors, services
from modules.gamification.badges import CATALOGUE
from modules.gamification.schemas import (
    AchievementOut,
    CoinAwardIn,
    CoinBalanceOut,
    CoinDeductIn,
    CoinTransactionFilter,
    CoinTransactionOut,
    LeaderboardOut,
    LeaderboardQuery,
    RedemptionFilter,
    RedemptionOut,
    RewardCreateIn,
    RewardFilter,
    RewardOut,
    RewardUpdateIn,
    StudentAchievementOut,
)

CAN_GIVE_COINS = IsAdmin | IsTeacher
CAN_MANAGE_REWARDS = IsAdmin
CAN_REDEEM = IsStudent
CAN_HANDLE_REDEMPTIONS = IsAdmin

router = Router()
coins = Router(tags=["coins"])
boards = Router(tags=["leaderboards"])
badges = Router(tags=["achievements"])
shop = Router(tags=["rewards"])


@coins.get(
    "/students/{student_id}/coins",
    response={200: CoinBalanceOut, **errors(401, 404, 429)},
    summary="A student's coin balance",
)
def get_student_coins(request, student_id: int):
    return selectors.coin_balance(selectors.student_for(request.auth, student_id))


@coins.get(
    "/students/{student_id}/coins/transactions",
    response={200: list[CoinTransactionOut], **errors(401, 404, 422, 429)},
    summary="A student's coin ledger, newest first",
)
@paginate(CursorPagination)
def list_student_coin_transactions(request, student_id: int, filters: Query[CoinTransactionFilter]):
    student = selectors.student_for(request.auth, student_id)
    return selectors.coin_transactions(student, **filters.dict())


@coins.post(
    "/students/{student_id}/coins/award",
    response={201: CoinTransactionOut, 200: CoinTransactionOut, **errors(401, 403, 404, 409, 422, 429)},
    summary="Give a student coins (teachers: own students, within the daily limit)",
)
@idempotent
def award_student_coins(request, student_id: int, payload: CoinAwardIn):
    student = selectors.student_for(request.auth, student_id)
    check(CAN_GIVE_COINS, request.auth)
    tx, created = services.coins_award(actor=request.auth, student=student, **payload.dict())
    return Status(201 if created else 200, tx)


@coins.post(
    "/students/{student_id}/coins/deduct",
    response={201: CoinTransactionOut, 200: CoinTransactionOut, **errors(401, 403, 404, 409, 422, 429)},
    summary="Take coins from a student (below zero only by an admin's override)",
)
@idempotent
def deduct_student_coins(request, student_id: int, payload: CoinDeductIn):
    student = selectors.student_for(request.auth, student_id)
    check(CAN_GIVE_COINS, request.auth)
    tx, created = services.coins_deduct(actor=request.auth, student=student, **payload.dict())
    return Status(201 if created else 200, tx)


@boards.get(
    "/groups/{group_id}/leaderboard",
    response={200: LeaderboardOut, **errors(401, 404, 422, 429)},
    summary="A group's leaderboard for the week, month or all time (ties share a rank)",
)
def get_group_leaderboard(request, group_id: int, query: Query[LeaderboardQuery]):
    return selectors.leaderboard(request.auth, group_id, query.period)


@badges.get(
    "/achievements",
    response={200: list[AchievementOut], **errors(401, 422, 429)},
    summary="The badge catalogue",
)
@paginate
def list_achievements(request):
    return [vars(badge) for badge in CATALOGUE.values()]


@badges.get(
    "/students/{student_id}/achievements",
    response={200: list[StudentAchievementOut], **errors(401, 404, 429)},
    summary="Badges a student earned, newest first",
)
@paginate
def list_student_achievements(request, student_id: int):
    return selectors.achievements_of(selectors.student_for(request.auth, student_id))


@shop.get("/rewards", response={200: list[RewardOut], **errors(401, 422, 429)}, summary="The rewards shop")
@paginate
def list_rewards(request, filters: Query[RewardFilter]):
    return selectors.rewards_visible_to(request.auth, **filters.dict())


@shop.post("/rewards", response={201: RewardOut, **errors(401, 403, 422, 429)}, summary="Add a reward")
def create_reward(request, payload: RewardCreateIn):
    check(CAN_MANAGE_REWARDS, request.auth)
    return Status(201, services.reward_create(**payload.dict()))


@shop.get("/rewards/{reward_id}", response={200: RewardOut, **errors(401, 404, 429)}, summary="Get a reward")
def get_reward(request, reward_id: int):
    return get_object_or_404(selectors.rewards_visible_to(request.auth), pk=reward_id)


@shop.patch(
    "/rewards/{reward_id}",
    response={200: RewardOut, **errors(401, 403, 404, 422, 429)},
    summary="Edit a reward",
)
def update_reward(request, reward_id: int, payload: RewardUpdateIn):
    reward = get_object_or_404(selectors.rewards_visible_to(request.auth), pk=reward_id)
    check(CAN_MANAGE_REWARDS, request.auth)
    return services.reward_update(reward=reward, **payload.dict(exclude_unset=True))


@shop.delete(
    "/rewards/{reward_id}",
    response={204: None, **errors(401, 403, 404, 409, 429)},
    summary="Delete a reward that was never redeemed",
)
def delete_reward(request, reward_id: int):
    reward = get_object_or_404(selectors.rewards_visible_to(request.auth), pk=reward_id)
    check(CAN_MANAGE_REWARDS, request.auth)
    services.reward_delete(reward=reward)
    return Status(204, None)


@shop.post(
    "/rewards/{reward_id}/redeem",
    response={201: RedemptionOut, **errors(401, 403, 404, 409, 429)},
    summary="Spend coins on a reward (students)",
)
@idempotent
def redeem_reward(request, reward_id: int):
    reward = get_object_or_404(selectors.rewards_visible_to(request.auth), pk=reward_id)
    check(CAN_REDEEM, request.auth)
    return Status(201, services.reward_redeem(student=request.auth, reward=reward))


@shop.get(
    "/redemptions",
    response={200: list[RedemptionOut], **errors(401, 422, 429)},
    summary="Redemptions the caller may see, newest first",
)
@paginate
def list_redemptions(request, filters: Query[RedemptionFilter]):
    return selectors.redemptions_visible_to(request.auth, **filters.dict())


@shop.get(
    "/redemptions/{redemption_id}",
    response={200: RedemptionOut, **errors(401, 404, 429)},
    summary="Get a redemption",
)
def get_redemption(request, redemption_id: int):
    return get_object_or_404(selectors.redemptions_visible_to(request.auth), pk=redemption_id)


@shop.post(
    "/redemptions/{redemption_id}/hand-over",
    response={200: RedemptionOut, **errors(401, 403, 404, 409, 429)},
    summary="Mark a redemption as handed over",
)
def hand_over_redemption(request, redemption_id: int):
    redemption = get_object_or_404(selectors.redemptions_visible_to(request.auth), pk=redemption_id)
    check(CAN_HANDLE_REDEMPTIONS, request.auth)
    return services.redemption_hand_over(redemption=redemption, actor=request.auth)


@shop.post(
    "/redemptions/{redemption_id}/cancel",
    response={200: RedemptionOut, **errors(401, 403, 404, 409, 429)},
    summary="Cancel a pending redemption (refunds the coins, restocks the item)",
)
def cancel_redemption(request, redemption_id: int):
    redemption = get_object_or_404(selectors.redemptions_visible_to(request.auth), pk=redemption_id)
    check(CAN_HANDLE_REDEMPTIONS, request.auth)
    return services.redemption_cancel(redemption=redemption, actor=request.auth)


router.add_router("", coins)
router.add_router("", boards)
router.add_router("", badges)
router.add_router("", shop)

"""Every write of gamification: the API, the admin, receivers, tasks and seed_demo share these."""

from modules.gamification.services.achievements import (
    achievement_award,
    award_many,
    perfect_week_award,
    top_three_award,
)
from modules.gamification.services.batch import Desired, reconcile_many
from modules.gamification.services.earning import attendance_apply, homework_apply, payment_apply
from modules.gamification.services.leaderboards import leaderboard_touch, leaderboards_refresh
from modules.gamification.services.ledger import coins_post, source_reconcile
from modules.gamification.services.manual import coins_award, coins_deduct
from modules.gamification.services.rewards import (
    redemption_cancel,
    redemption_hand_over,
    reward_create,
    reward_delete,
    reward_redeem,
    reward_update,
)

__all__ = [
    "Desired",
    "achievement_award",
    "award_many",
    "attendance_apply",
    "coins_award",
    "coins_deduct",
    "coins_post",
    "homework_apply",
    "leaderboard_touch",
    "leaderboards_refresh",
    "payment_apply",
    "perfect_week_award",
    "reconcile_many",
    "redemption_cancel",
    "redemption_hand_over",
    "reward_create",
    "reward_delete",
    "reward_redeem",
    "reward_update",
    "source_reconcile",
    "top_three_award",
]

from core.tasks import ScheduleSpec

SCHEDULES = [
    # the safety net behind the debounced per-group refreshes; also rolls weeks and months over
    ScheduleSpec(
        name="gamification.update_leaderboards",
        func="modules.gamification.tasks.update_leaderboards",
        minutes=5,
    ),
    ScheduleSpec(
        name="gamification.award_period_badges",
        func="modules.gamification.tasks.award_period_badges",
        cron="15 0 * * *",
    ),
]

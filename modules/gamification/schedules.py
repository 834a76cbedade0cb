from core.tasks import ScheduleSpec

SCHEDULES = [
    # catches changes made inside a group's debounce window, and rolls weeks and months over
    ScheduleSpec(
        name="gamification.update_leaderboards",
        func="modules.gamification.tasks.update_leaderboards",
        minutes=1,
    ),
    ScheduleSpec(
        name="gamification.award_period_badges",
        func="modules.gamification.tasks.award_period_badges",
        cron="15 0 * * *",
    ),
]

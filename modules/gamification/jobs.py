from core.tasks import JobSpec

JOBS = [
    # the safety net behind the debounced per-group refreshes; also rolls weeks and months over
    JobSpec(
        name="gamification.update_leaderboards",
        func="modules.gamification.tasks.update_leaderboards",
        minutes=5,
    ),
    JobSpec(
        name="gamification.award_period_badges",
        func="modules.gamification.tasks.award_period_badges",
        cron="15 0 * * *",
    ),
]

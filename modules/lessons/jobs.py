from core.tasks import JobSpec

JOBS = [
    # 01:30 in the center's zone: every active group generated N weeks ahead
    JobSpec(
        name="lessons.generate_active_groups",
        func="modules.lessons.tasks.generate_active_groups",
        cron="30 1 * * *",
    ),
]

from core.tasks import JobSpec

JOBS = [
    # 00:05 in the center's zone: freezes that began or ended today flip the membership's status
    JobSpec(
        name="courses.sync_membership_status",
        func="modules.courses.tasks.sync_membership_status",
        cron="5 0 * * *",
    ),
]

from core.tasks import ScheduleSpec

SCHEDULES = [
    # 00:05 in the center's zone: freezes that began or ended today flip the membership's status
    ScheduleSpec(
        name="courses.sync_membership_status",
        func="modules.courses.tasks.sync_membership_status",
        cron="5 0 * * *",
    ),
]

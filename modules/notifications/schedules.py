from core.tasks import ScheduleSpec

SCHEDULES = [
    ScheduleSpec(
        name="notifications.dispatch_due_deliveries",
        func="modules.notifications.tasks.dispatch_due_deliveries",
        minutes=1,
    ),
]

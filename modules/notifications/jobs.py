from core.tasks import JobSpec

JOBS = [
    JobSpec(
        name="notifications.dispatch_due_deliveries",
        func="modules.notifications.tasks.dispatch_due_deliveries",
        minutes=1,
    ),
]

from core.tasks import ScheduleSpec

SCHEDULES = [
    ScheduleSpec(
        name="homework.check_deadlines", func="modules.homework.tasks.check_homework_deadlines", minutes=15
    ),
]

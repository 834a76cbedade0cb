from core.tasks import JobSpec

JOBS = [
    JobSpec(
        name="homework.check_deadlines", func="modules.homework.tasks.check_homework_deadlines", minutes=15
    ),
    # recordings nobody works on (a worker killed mid-call) are queued again; see services.state
    JobSpec(
        name="homework.requeue_stuck_transcriptions",
        func="modules.homework.tasks.requeue_stuck_transcriptions",
        minutes=5,
    ),
]

from core.tasks import JobSpec

JOBS = [
    # hourly, so a reminder held by the quiet hours goes out at the first run after them
    JobSpec(name="crm.trial_reminders", func="modules.crm.tasks.send_trial_reminders", minutes=60),
]

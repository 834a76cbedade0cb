from core.tasks import JobSpec

JOBS = [
    # Idempotency keys are answered for 24 hours; older ones are deleted in one statement
    JobSpec(
        name="core.purge_idempotency_keys", func="core.idempotency.purge_expired_keys", cron="17 * * * *"
    ),
]

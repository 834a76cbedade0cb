"""Periodic jobs (written to django-q2 by `manage.py sync_schedules`), in the center's time zone."""

from core.tasks import JobSpec

JOBS = [
    JobSpec(
        name="payments.generate_invoices", func="modules.payments.tasks.generate_invoices", cron="10 0 * * *"
    ),
    # after generation: new invoices take what students' balances hold
    JobSpec(name="payments.apply_balances", func="modules.payments.tasks.apply_balances", cron="15 0 * * *"),
    JobSpec(
        name="payments.mark_overdue", func="modules.payments.tasks.mark_payments_overdue", cron="20 0 * * *"
    ),
    JobSpec(
        name="payments.reminders", func="modules.payments.tasks.send_payment_reminders", cron="0 10 * * *"
    ),
]

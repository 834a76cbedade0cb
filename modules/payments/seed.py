"""Demo billing: a schedule and a pending invoice for the demo student in the demo group."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from modules.accounts.models import User
from modules.courses.models import Membership
from modules.payments import schedule_services, services
from modules.payments.models import Payment, PaymentSchedule

DEMO_STUDENT = "student@demo.markaz.uz"


def seed(stdout, *, students: int = 0) -> None:
    student = User.objects.filter(email=DEMO_STUDENT).first()
    membership = (
        Membership.objects.select_related("group")
        .filter(student=student)
        .exclude(status=Membership.Status.LEFT)
        .order_by("id")
        .first()
        if student
        else None
    )
    if membership is None:
        stdout.write("  payments: no demo student in a demo group yet; skipped")
        return
    schedule = PaymentSchedule.objects.filter(membership=membership, is_active=True).first()
    if schedule is None:
        schedule = schedule_services.schedule_create(membership=membership, due_day=10)
        stdout.write(f"  created billing schedule for {student.email} in {membership.group.name}")
    if not Payment.objects.filter(student=student, status=Payment.Status.PENDING).exists():
        today = timezone.localdate()
        amount = schedule.amount or membership.monthly_amount() or 50_000_000
        services.payment_create(
            student=student,
            group=membership.group,
            amount=amount,
            due_date=today + timedelta(days=10),
            description=f"{membership.group.name} — {today:%B %Y} (demo)",
            period=today,
            source="system",
        )
        stdout.write(f"  created a pending invoice of {amount // 100} UZS for {student.email}")

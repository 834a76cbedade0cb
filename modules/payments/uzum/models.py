from __future__ import annotations

from django.db import models
from django.db.models import Q


class UzumTransaction(models.Model):
    """One Uzum Bank Merchant API transaction (`transId`). Times are epoch ms, each written once, so
    every repeat and every `status` call answers the same."""

    class Status(models.TextChoices):
        CREATED = "CREATED", "Created"
        CONFIRMED = "CONFIRMED", "Confirmed"
        REVERSED = "REVERSED", "Reversed"
        FAILED = "FAILED", "Failed"

    trans_id = models.CharField(max_length=64, unique=True)
    payment = models.ForeignKey(
        "payments.Payment", on_delete=models.PROTECT, related_name="uzum_transactions"
    )
    amount = models.BigIntegerField(help_text="tiyin")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CREATED)
    trans_time = models.BigIntegerField()
    confirm_time = models.BigIntegerField(null=True, blank=True)
    reverse_time = models.BigIntegerField(null=True, blank=True)
    params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "payments"
        ordering = ["-trans_time", "-id"]
        constraints = [
            # one live transaction per invoice: a second create while one is open is refused
            models.UniqueConstraint(
                fields=["payment"], condition=Q(status__in=["CREATED", "CONFIRMED"]), name="uniq_live_uzum_tx"
            ),
        ]

    def __str__(self) -> str:
        return f"uzum {self.trans_id} ({self.status})"

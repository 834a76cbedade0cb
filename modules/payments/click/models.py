from __future__ import annotations

from django.db import models


class ClickTransaction(models.Model):
    """One Click payment attempt (`click_trans_id`). Our primary key is the `merchant_prepare_id`
    and the `merchant_confirm_id` Click gets back. Times are epoch ms, each written once."""

    class State(models.IntegerChoices):
        PREPARED = 0, "Prepared"
        CONFIRMED = 1, "Confirmed"
        CANCELLED = -1, "Cancelled"
        REFUNDED = -2, "Cancelled after payment (refunded)"

    click_trans_id = models.BigIntegerField(unique=True)
    click_paydoc_id = models.BigIntegerField(null=True, blank=True)
    payment = models.ForeignKey(
        "payments.Payment", on_delete=models.PROTECT, related_name="click_transactions"
    )
    amount = models.BigIntegerField(help_text="tiyin")
    state = models.SmallIntegerField(choices=State.choices, default=State.PREPARED)
    error_code = models.IntegerField(null=True, blank=True, help_text="Click's negative `error` on cancel")
    prepare_time = models.BigIntegerField()
    complete_time = models.BigIntegerField(default=0)
    cancel_time = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "payments"
        ordering = ["-prepare_time", "-id"]
        indexes = [models.Index(fields=["payment", "state"], name="click_tx_payment_state")]

    def __str__(self) -> str:
        return f"click {self.click_trans_id} ({self.state})"

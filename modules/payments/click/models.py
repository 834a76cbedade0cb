from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ClickTransaction(models.Model):
    """One Click payment attempt (`click_trans_id`). Our primary key is the `merchant_prepare_id`
    and the `merchant_confirm_id` Click gets back. Times are epoch ms, each written once."""

    class State(models.IntegerChoices):
        PREPARED = 0, _("Prepared")
        CONFIRMED = 1, _("Confirmed")
        CANCELLED = -1, _("Cancelled")
        REFUNDED = -2, _("Cancelled after payment (refunded)")

    click_trans_id = models.BigIntegerField(unique=True, verbose_name=_("click trans id"))
    click_paydoc_id = models.BigIntegerField(null=True, blank=True, verbose_name=_("click paydoc id"))
    payment = models.ForeignKey(
        "payments.Payment",
        on_delete=models.PROTECT,
        db_index=False,  # click_tx_payment_state starts with it
        related_name="click_transactions",
        verbose_name=_("payment"),
    )
    amount = models.BigIntegerField(help_text=_("tiyin"), verbose_name=_("amount"))
    state = models.SmallIntegerField(choices=State.choices, default=State.PREPARED, verbose_name=_("state"))
    error_code = models.IntegerField(
        null=True, blank=True, help_text=_("Click's negative `error` on cancel"), verbose_name=_("error code")
    )
    prepare_time = models.BigIntegerField(verbose_name=_("prepare time"))
    complete_time = models.BigIntegerField(default=0, verbose_name=_("complete time"))
    cancel_time = models.BigIntegerField(default=0, verbose_name=_("cancel time"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("Click transaction")
        verbose_name_plural = _("Click transactions")
        app_label = "payments"
        ordering = ["-prepare_time", "-id"]
        indexes = [models.Index(fields=["payment", "state"], name="click_tx_payment_state")]

    def __str__(self) -> str:
        return f"click {self.click_trans_id} ({self.state})"

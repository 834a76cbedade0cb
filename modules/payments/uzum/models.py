from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class UzumTransaction(models.Model):
    """One Uzum Bank Merchant API transaction (`transId`). Times are epoch ms, each written once, so
    every repeat and every `status` call answers the same."""

    class Status(models.TextChoices):
        CREATED = "CREATED", _("Created")
        CONFIRMED = "CONFIRMED", _("Confirmed")
        REVERSED = "REVERSED", _("Reversed")
        FAILED = "FAILED", _("Failed")

    trans_id = models.CharField(max_length=64, verbose_name=_("trans id"))
    payment = models.ForeignKey(
        "payments.Payment",
        on_delete=models.PROTECT,
        related_name="uzum_transactions",
        verbose_name=_("payment"),
    )
    amount = models.BigIntegerField(help_text=_("tiyin"), verbose_name=_("amount"))
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.CREATED, verbose_name=_("status")
    )
    trans_time = models.BigIntegerField(verbose_name=_("trans time"))
    confirm_time = models.BigIntegerField(null=True, blank=True, verbose_name=_("confirm time"))
    reverse_time = models.BigIntegerField(null=True, blank=True, verbose_name=_("reverse time"))
    params = models.JSONField(default=dict, blank=True, verbose_name=_("params"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("Uzum transaction")
        verbose_name_plural = _("Uzum transactions")
        app_label = "payments"
        ordering = ["-trans_time", "-id"]
        constraints = [
            # a constraint, not unique=True: the field's LIKE twin index would serve no query
            models.UniqueConstraint(fields=["trans_id"], name="uzum_tx_trans_id"),
            # one live transaction per invoice: a second create while one is open is refused
            models.UniqueConstraint(
                fields=["payment"], condition=Q(status__in=["CREATED", "CONFIRMED"]), name="uniq_live_uzum_tx"
            ),
        ]

    def __str__(self) -> str:
        return f"uzum {self.trans_id} ({self.status})"

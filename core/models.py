from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        abstract = True


class IdempotencyRecord(models.Model):
    """The first answer to a creating POST sent with an `Idempotency-Key` (core/idempotency.py),
    written in the transaction of the write it answers and replayed for 24 hours. `user_id` is a
    plain column, not a foreign key: core knows nothing of the accounts module, and a row outlives
    no one by more than a day (the hourly purge)."""

    user_id = models.BigIntegerField()
    key = models.CharField(max_length=255)
    endpoint = models.CharField(max_length=300, help_text='"POST /api/v1/payments"')
    fingerprint = models.CharField(max_length=64, help_text="sha256 of the query string and the body")
    status_code = models.PositiveSmallIntegerField()
    content_type = models.CharField(max_length=100)
    body = models.BinaryField()
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user_id", "key"], name="idempotency_user_key")]

    def __str__(self) -> str:
        return f"{self.endpoint} {self.key}"

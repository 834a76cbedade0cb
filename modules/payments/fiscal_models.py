"""Fiscal receipt settings per course (IKPU/MXIK code, package code, VAT); the center's defaults
come from the environment (PAYME_IKPU_CODE, PAYME_PACKAGE_CODE, PAYME_VAT_PERCENT)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class CourseFiscalProfile(models.Model):
    course = models.OneToOneField("courses.Course", on_delete=models.CASCADE, related_name="fiscal_profile")
    title = models.CharField(max_length=128, blank=True, help_text="receipt line title; empty = invoice text")
    ikpu_code = models.CharField(max_length=17, help_text="IKPU (MXIK) code from tasnif.soliq.uz")
    package_code = models.CharField(max_length=32)
    vat_percent = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(vat_percent__lte=100), name="fiscal_vat_percent_ok"),
        ]

    def __str__(self) -> str:
        return f"fiscal profile of course {self.course_id}"

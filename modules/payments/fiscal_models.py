"""Fiscal receipt settings per course (IKPU/MXIK code, package code, VAT); the center's defaults
come from the environment (PAYME_IKPU_CODE, PAYME_PACKAGE_CODE, PAYME_VAT_PERCENT)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CourseFiscalProfile(models.Model):
    course = models.OneToOneField(
        "courses.Course", on_delete=models.CASCADE, related_name="fiscal_profile", verbose_name=_("course")
    )
    title = models.CharField(
        max_length=128,
        blank=True,
        help_text=_("receipt line title; empty = invoice text"),
        verbose_name=_("title"),
    )
    ikpu_code = models.CharField(
        max_length=17, help_text=_("IKPU (MXIK) code from tasnif.soliq.uz"), verbose_name=_("IKPU code")
    )
    package_code = models.CharField(max_length=32, verbose_name=_("package code"))
    vat_percent = models.PositiveSmallIntegerField(default=0, verbose_name=_("vat percent"))

    class Meta:
        verbose_name = _("course fiscal profile")
        verbose_name_plural = _("course fiscal profiles")
        constraints = [
            models.CheckConstraint(condition=Q(vat_percent__lte=100), name="fiscal_vat_percent_ok"),
        ]

    def __str__(self) -> str:
        return f"fiscal profile of course {self.course_id}"

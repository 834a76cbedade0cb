from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from core.models import TimeStamped


class Branch(TimeStamped):
    """A location of the center. Rooms and groups belong to one; a single-branch center has one."""

    name = models.CharField(max_length=120, unique=True, verbose_name=_("name"))
    address = models.CharField(max_length=255, blank=True, verbose_name=_("address"))
    phone = models.CharField(max_length=16, blank=True, verbose_name=_("phone"))
    is_active = models.BooleanField(default=True, verbose_name=_("is active"))
    # Admins and teachers who work here. An admin with branches is a branch admin and sees only
    # their branches (modules/courses/branches.py owns that rule); an admin without is the director.
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="staff_branches", blank=True, verbose_name=_("staff")
    )

    class Meta:
        verbose_name = _("branch")
        ordering = ["name"]
        verbose_name_plural = _("branches")

    def __str__(self) -> str:
        return self.name


class Course(TimeStamped):
    class Language(models.TextChoices):
        UZ = "uz", _("Uzbek")
        RU = "ru", _("Russian")
        EN = "en", _("English")

    name = models.CharField(max_length=120, verbose_name=_("name"))
    description = models.TextField(blank=True, verbose_name=_("description"))
    level = models.CharField(max_length=40, blank=True, verbose_name=_("level"))
    monthly_price = models.BigIntegerField(default=0, help_text=_("tiyin"), verbose_name=_("monthly price"))
    lesson_duration_minutes = models.PositiveSmallIntegerField(
        default=90, verbose_name=_("lesson duration minutes")
    )
    language = models.CharField(
        max_length=2,
        choices=Language.choices,
        default=Language.EN,
        help_text=_("language of instruction; also the transcription hint"),
        verbose_name=_("language"),
    )
    is_active = models.BooleanField(default=True, verbose_name=_("is active"))

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=Q(monthly_price__gte=0), name="course_price_nonneg")]

    def __str__(self) -> str:
        return self.name


class Room(TimeStamped):
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="rooms", verbose_name=_("branch")
    )
    name = models.CharField(max_length=80, verbose_name=_("name"))
    capacity = models.PositiveSmallIntegerField(default=12, verbose_name=_("capacity"))
    is_active = models.BooleanField(default=True, verbose_name=_("is active"))

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["branch", "name"]
        constraints = [models.UniqueConstraint(fields=["branch", "name"], name="uniq_room_name_per_branch")]

    def __str__(self) -> str:
        return f"{self.name} ({self.branch})"


class Holiday(TimeStamped):
    """A day or range of days when the center is closed; no lesson is generated on them."""

    name = models.CharField(max_length=120, verbose_name=_("name"))
    start_date = models.DateField(db_index=True, verbose_name=_("start date"))
    end_date = models.DateField(verbose_name=_("end date"))
    is_public = models.BooleanField(
        default=False, help_text=_("loaded from Uzbekistan's public holidays"), verbose_name=_("is public")
    )

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="holiday_range_ok"
            ),
            models.UniqueConstraint(fields=["name", "start_date"], name="uniq_holiday_name_start"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.start_date}"


class Group(TimeStamped):
    class Status(models.TextChoices):
        FORMING = "forming", _("Forming")
        ACTIVE = "active", _("Active")
        FINISHED = "finished", _("Finished")

    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="groups", verbose_name=_("branch")
    )
    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="groups", verbose_name=_("course")
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="taught_groups",
        verbose_name=_("teacher"),
    )
    room = models.ForeignKey(
        Room, on_delete=models.SET_NULL, null=True, blank=True, related_name="groups", verbose_name=_("room")
    )
    name = models.CharField(max_length=120, verbose_name=_("name"))
    start_date = models.DateField(verbose_name=_("start date"))
    end_date = models.DateField(null=True, blank=True, verbose_name=_("end date"))
    capacity = models.PositiveSmallIntegerField(default=12, verbose_name=_("capacity"))
    monthly_price = models.BigIntegerField(
        help_text=_("tiyin; defaults to the course's price"), verbose_name=_("monthly price")
    )
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.FORMING, db_index=True, verbose_name=_("status")
    )
    students = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        through_fields=("group", "student"),
        related_name="student_groups",
        verbose_name=_("students"),
    )

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="group_dates_ok",
            ),
            models.CheckConstraint(condition=Q(monthly_price__gte=0), name="group_price_nonneg"),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(TimeStamped):
    """A student in a group. Leaving keeps the row (status left, left_on); moving to another group
    closes this one and opens a new one pointing back through moved_from."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        FROZEN = "frozen", _("Frozen")
        LEFT = "left", _("Left")

    class DiscountType(models.TextChoices):
        NONE = "none", _("None")
        PERCENT = "percent", _("Percent")
        FIXED = "fixed", _("Fixed amount")

    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("group")
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("student"),
    )
    joined_on = models.DateField(verbose_name=_("joined on"))
    left_on = models.DateField(null=True, blank=True, verbose_name=_("left on"))
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.ACTIVE, db_index=True, verbose_name=_("status")
    )
    discount_type = models.CharField(
        max_length=16,
        choices=DiscountType.choices,
        default=DiscountType.NONE,
        verbose_name=_("discount type"),
    )
    discount_value = models.BigIntegerField(
        default=0, help_text=_("percent (0-100) or tiyin"), verbose_name=_("discount value")
    )
    moved_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="moved_to",
        verbose_name=_("moved from"),
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["group", "id"]
        constraints = [
            # at most one open (not left) membership per student and group
            models.UniqueConstraint(
                fields=["group", "student"], condition=~Q(status="left"), name="uniq_open_membership"
            ),
            models.CheckConstraint(condition=Q(discount_value__gte=0), name="membership_discount_nonneg"),
        ]
        indexes = [models.Index(fields=["student", "status"])]

    def __str__(self) -> str:
        return f"{self.student_id} in {self.group_id} ({self.status})"

    def monthly_amount(self, base: int | None = None) -> int:
        """The monthly price after this membership's discount, in tiyin (never negative)."""
        price = self.group.monthly_price if base is None else base
        if self.discount_type == self.DiscountType.PERCENT:
            return max(0, price - price * min(self.discount_value, 100) // 100)
        if self.discount_type == self.DiscountType.FIXED:
            return max(0, price - self.discount_value)
        return price


class FreezePeriod(TimeStamped):
    """Dates a student pauses: off those lessons' rosters and not billed for them."""

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="freezes", verbose_name=_("membership")
    )
    start_date = models.DateField(verbose_name=_("start date"))
    end_date = models.DateField(verbose_name=_("end date"))
    reason = models.CharField(max_length=255, blank=True, verbose_name=_("reason"))

    class Meta:
        verbose_name = _("freeze period")
        verbose_name_plural = _("freeze periods")
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="freeze_range_ok")
        ]


class LessonSchedule(TimeStamped):
    """A weekly slot of a group: weekday (0 = Monday) and local start time in the center's zone."""

    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, related_name="schedules", verbose_name=_("group")
    )
    weekday = models.PositiveSmallIntegerField(choices=WEEKDAYS, verbose_name=_("weekday"))  # 0 = Monday
    start_time = models.TimeField(verbose_name=_("start time"))
    duration_minutes = models.PositiveSmallIntegerField(verbose_name=_("duration minutes"))
    room = models.ForeignKey(
        Room,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="schedules",
        help_text=_("overrides the group's room"),
        verbose_name=_("room"),
    )
    valid_from = models.DateField(verbose_name=_("valid from"))
    valid_to = models.DateField(null=True, blank=True, verbose_name=_("valid to"))
    is_active = models.BooleanField(default=True, verbose_name=_("is active"))

    class Meta:
        verbose_name = _("lesson schedule")
        verbose_name_plural = _("lesson schedules")
        ordering = ["group", "weekday", "start_time"]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__gte=0, weekday__lte=6), name="schedule_weekday_ok"),
            models.CheckConstraint(condition=Q(duration_minutes__gt=0), name="schedule_duration_ok"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="schedule_range_ok",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} {self.get_weekday_display()} {str(self.start_time)[:5]}"

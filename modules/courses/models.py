from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.dates import WEEKDAYS

from core.models import TimeStamped


class Branch(TimeStamped):
    """A location of the center. Rooms and groups belong to one; a single-branch center has one."""

    name = models.CharField(max_length=120, unique=True)
    address = models.CharField(max_length=255, blank=True)
    phone = models.CharField(max_length=16, blank=True)
    is_active = models.BooleanField(default=True)
    # Admins and teachers who work here. An admin with branches is a branch admin and sees only
    # their branches (modules/courses/branches.py owns that rule); an admin without is the director.
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="staff_branches", blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "branches"

    def __str__(self) -> str:
        return self.name


class Course(TimeStamped):
    class Language(models.TextChoices):
        UZ = "uz", "Uzbek"
        RU = "ru", "Russian"
        EN = "en", "English"

    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    level = models.CharField(max_length=40, blank=True)
    monthly_price = models.BigIntegerField(default=0, help_text="tiyin")
    lesson_duration_minutes = models.PositiveSmallIntegerField(default=90)
    language = models.CharField(
        max_length=2,
        choices=Language.choices,
        default=Language.EN,
        help_text="language of instruction; also the transcription hint",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=Q(monthly_price__gte=0), name="course_price_nonneg")]

    def __str__(self) -> str:
        return self.name


class Room(TimeStamped):
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="rooms")
    name = models.CharField(max_length=80)
    capacity = models.PositiveSmallIntegerField(default=12)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["branch", "name"]
        constraints = [models.UniqueConstraint(fields=["branch", "name"], name="uniq_room_name_per_branch")]

    def __str__(self) -> str:
        return f"{self.name} ({self.branch})"


class Holiday(TimeStamped):
    """A day or range of days when the center is closed; no lesson is generated on them."""

    name = models.CharField(max_length=120)
    start_date = models.DateField(db_index=True)
    end_date = models.DateField()
    is_public = models.BooleanField(default=False, help_text="loaded from Uzbekistan's public holidays")

    class Meta:
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
        FORMING = "forming", "Forming"
        ACTIVE = "active", "Active"
        FINISHED = "finished", "Finished"

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="groups")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="groups")
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="taught_groups"
    )
    room = models.ForeignKey(Room, on_delete=models.SET_NULL, null=True, blank=True, related_name="groups")
    name = models.CharField(max_length=120)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    capacity = models.PositiveSmallIntegerField(default=12)
    monthly_price = models.BigIntegerField(help_text="tiyin; defaults to the course's price")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.FORMING, db_index=True)
    students = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        through_fields=("group", "student"),
        related_name="student_groups",
    )

    class Meta:
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
        ACTIVE = "active", "Active"
        FROZEN = "frozen", "Frozen"
        LEFT = "left", "Left"

    class DiscountType(models.TextChoices):
        NONE = "none", "None"
        PERCENT = "percent", "Percent"
        FIXED = "fixed", "Fixed amount"

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships"
    )
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    discount_type = models.CharField(max_length=16, choices=DiscountType.choices, default=DiscountType.NONE)
    discount_value = models.BigIntegerField(default=0, help_text="percent (0-100) or tiyin")
    moved_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="moved_to"
    )

    class Meta:
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

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="freezes")
    start_date = models.DateField()
    end_date = models.DateField()
    reason = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="freeze_range_ok")
        ]


class LessonSchedule(TimeStamped):
    """A weekly slot of a group: weekday (0 = Monday) and local start time in the center's zone."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="schedules")
    weekday = models.PositiveSmallIntegerField(choices=WEEKDAYS)  # 0 = Monday; shown by its name
    start_time = models.TimeField()
    duration_minutes = models.PositiveSmallIntegerField()
    room = models.ForeignKey(
        Room,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="schedules",
        help_text="overrides the group's room",
    )
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
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

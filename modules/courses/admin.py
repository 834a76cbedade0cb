from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from unfold.admin import ModelAdmin, TabularInline
from unfold.decorators import action, display

from core.admin_money import SomAdminMixin, SomWhenForm, som_when_column
from core.admin_perf import LargeTableMixin, SharedChoicesMixin
from modules.accounts.models import User
from modules.courses.branches import STAFF_ROLES
from modules.courses.models import (
    Branch,
    Course,
    FreezePeriod,
    Group,
    Holiday,
    LessonSchedule,
    Membership,
    Room,
)


class RoomChoicesMixin:
    """A room's label names its branch: the room options are read with their branches, in one query."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "room":
            kwargs.setdefault("queryset", Room.objects.select_related("branch"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Branch)
class BranchAdmin(ModelAdmin):
    list_display = ["name", "address", "phone", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "address"]
    filter_horizontal = ["staff"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # only admins and teachers work in a branch: the staff picker lists them, not every student
        # (10,000 options made the change page take 1.2 s on the large demo)
        if db_field.name == "staff":
            kwargs["queryset"] = User.objects.filter(role__in=STAFF_ROLES).order_by("last_name", "first_name")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Course)
class CourseAdmin(SomAdminMixin, ModelAdmin):
    money_fields = ["monthly_price"]
    list_display = ["name", "level", "language", "monthly_price", "lesson_duration_minutes", "is_active"]
    list_filter = ["is_active", "language", "level"]
    search_fields = ["name", "description"]


@admin.register(Room)
class RoomAdmin(ModelAdmin):
    list_display = ["name", "branch", "capacity", "is_active"]
    list_select_related = ["branch"]
    list_filter = ["branch", "is_active"]
    search_fields = ["name"]


@admin.register(Holiday)
class HolidayAdmin(ModelAdmin):
    list_display = ["name", "start_date", "end_date", "is_public"]
    list_filter = ["is_public"]
    search_fields = ["name"]
    date_hierarchy = "start_date"


def _fixed_discount(values) -> bool:
    return _value(values, "discount_type") == Membership.DiscountType.FIXED


def _value(values, name: str):
    return values.get(name) if isinstance(values, dict) else getattr(values, name)


class MembershipForm(SomWhenForm):
    """A fixed discount is typed in so'm, a percent discount as its number."""

    som_when = {"discount_value": _fixed_discount}
    som_when_help = {"discount_value": _("percent (0-100), or so'm for a fixed discount")}

    class Meta:
        model = Membership
        fields = "__all__"


discount_column = som_when_column("discount_value", _fixed_discount, "discount", other="{} %")


class MembershipInline(TabularInline):
    model = Membership
    form = MembershipForm
    fk_name = "group"
    extra = 0
    per_page = 10  # each row's student select reads its student: a page of rows, not the whole group
    autocomplete_fields = ["student"]
    fields = ["student", "joined_on", "left_on", "status", "discount_type", "discount_value"]


class ScheduleInline(SharedChoicesMixin, RoomChoicesMixin, TabularInline):
    model = LessonSchedule
    extra = 0
    shared_choice_fields = ["room"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("group")  # each row's title names its group

    fields = ["weekday", "start_time", "duration_minutes", "room", "valid_from", "valid_to", "is_active"]


@admin.register(Group)
class GroupAdmin(LargeTableMixin, SomAdminMixin, RoomChoicesMixin, ModelAdmin):
    money_fields = ["monthly_price"]
    list_display = ["name", "course", "teacher", "branch", "room", "start_date", "end_date", "status_badge"]
    list_filter = ["status", "branch", "course"]
    search_fields = ["name", "course__name", "teacher__first_name", "teacher__last_name"]
    autocomplete_fields = ["teacher"]
    list_select_related = ["course", "teacher", "branch", "room__branch"]
    inlines = [ScheduleInline, MembershipInline]
    actions = ["generate_lessons"]

    @display(
        description=_("Status"),
        ordering="status",
        label={"forming": "info", "active": "success", "finished": "warning"},
    )
    def status_badge(self, obj: Group) -> tuple[str, str]:
        return obj.status, obj.get_status_display()

    @action(description=_("Generate lessons up to the horizon"))
    def generate_lessons(self, request, queryset):
        # Lessons depend on courses, not the other way round: the action queues the lessons module's
        # own task (by name), the one the API and the nightly run use; it creates only what is missing.
        from core.tasks import enqueue

        ids = list(queryset.exclude(status=Group.Status.FINISHED).values_list("pk", flat=True))
        for group_id in ids:
            enqueue("modules.lessons.tasks.generate_group_lessons", group_id)
        message = ngettext(
            "Lesson generation queued for %(count)d group.",
            "Lesson generation queued for %(count)d groups.",
            len(ids),
        )
        self.message_user(request, message % {"count": len(ids)}, messages.SUCCESS)


class FreezeInline(TabularInline):
    model = FreezePeriod
    extra = 0
    fields = ["start_date", "end_date", "reason"]


@admin.register(Membership)
class MembershipAdmin(LargeTableMixin, ModelAdmin):
    form = MembershipForm
    list_display = ["student", "group", "joined_on", "left_on", "status", "discount_type", "discount"]
    list_filter = ["status", "discount_type", "group__branch"]
    search_fields = ["student__first_name", "student__last_name", "student__phone", "group__name"]
    autocomplete_fields = ["student"]
    raw_id_fields = ["group", "moved_from"]
    list_select_related = ["student", "group"]
    inlines = [FreezeInline]

    @display(description="discount", ordering="discount_value")
    def discount(self, obj: Membership) -> str:
        return discount_column(obj)


@admin.register(LessonSchedule)
class LessonScheduleAdmin(RoomChoicesMixin, ModelAdmin):
    raw_id_fields = ["group"]
    list_display = [
        "group",
        "weekday",
        "start_time",
        "duration_minutes",
        "room",
        "valid_from",
        "valid_to",
        "is_active",
    ]
    list_filter = ["weekday", "is_active", "group__branch"]
    search_fields = ["group__name"]
    list_select_related = ["group", "room__branch"]

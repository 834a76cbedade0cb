from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline
from unfold.decorators import display
from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm

from core.admin_perf import LargeTableMixin
from modules.accounts.models import Guardianship, User


class ChildrenInline(TabularInline):
    model = Guardianship
    fk_name = "parent"
    extra = 0
    autocomplete_fields = ["student"]
    verbose_name = _("child")
    verbose_name_plural = _("children (for parents)")


class MarkazUserCreationForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("phone", "first_name", "last_name", "email", "role")


class MarkazUserChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(LargeTableMixin, BaseUserAdmin, ModelAdmin):
    form = MarkazUserChangeForm
    add_form = MarkazUserCreationForm
    change_password_form = AdminPasswordChangeForm
    list_display = ["full_name_display", "phone", "email", "role_badge", "is_active", "date_joined"]
    list_filter = ["role", "is_active", "language"]
    search_fields = ["first_name", "last_name", "phone", "email"]
    ordering = ["last_name", "first_name"]
    inlines = [ChildrenInline]
    fieldsets = (
        (None, {"fields": ("phone", "password")}),
        (_("Personal"), {"fields": ("first_name", "last_name", "email", "language", "email_verified_at")}),
        (_("Role and access"), {"fields": ("role", "is_active", "is_staff", "is_superuser", "groups")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("phone", "first_name", "last_name", "email", "role", "password1", "password2"),
            },
        ),
    )
    readonly_fields = ["last_login", "date_joined"]
    filter_horizontal = ["groups"]

    @display(description=_("Name"), ordering="last_name")
    def full_name_display(self, obj: User) -> str:
        return obj.full_name

    @display(
        description=_("Role"),
        ordering="role",
        label={"admin": "danger", "teacher": "info", "student": "success", "parent": "warning"},
    )
    def role_badge(self, obj: User) -> tuple[str, str]:
        return obj.role, obj.get_role_display()

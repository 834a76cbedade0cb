"""The Unfold admin site: theme and sidebar live in settings.UNFOLD (built by core.admin_nav); the
dashboard is the backoffice app's (modules/backoffice); django-q2's and auth's admins are re-registered
here in Unfold's style."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.models import Group
from django_q import admin as q_admin
from django_q.models import Failure, OrmQ, Schedule, Success
from unfold.admin import ModelAdmin

# --- django-q2 and auth, in Unfold's look --------------------------------------------------------


class ScheduleAdmin(q_admin.ScheduleAdmin, ModelAdmin):
    pass


class SuccessAdmin(q_admin.TaskAdmin, ModelAdmin):
    pass


class FailureAdmin(q_admin.FailAdmin, ModelAdmin):
    pass


class QueueAdmin(q_admin.QueueAdmin, ModelAdmin):
    pass


class GroupAdmin(BaseGroupAdmin, ModelAdmin):
    pass


for model, model_admin in [
    (Schedule, ScheduleAdmin),
    (Success, SuccessAdmin),
    (Failure, FailureAdmin),
    (OrmQ, QueueAdmin),
    (Group, GroupAdmin),
]:
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)


# --- the dashboard ------------------------------------------------------------------------------

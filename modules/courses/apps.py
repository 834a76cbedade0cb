from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "modules.courses"
    label = "courses"
    verbose_name = _("Courses")

    def ready(self) -> None:
        from modules.courses.models import Group, Membership
        from modules.courses.selectors import (
            can_subscribe_group,
            can_subscribe_group_staff,
            group_channels_of,
        )
        from realtime import registry

        # group:<id> → admins, the group's teacher, its members (not left) and their parents
        registry.register("group", can_subscribe_group)
        # group_staff:<id> → admins and the group's teacher (full attendance sheets)
        registry.register("group_staff", can_subscribe_group_staff)
        # a member leaving or a teacher replaced: open sockets re-check those channels
        registry.recheck_when_changed(Membership, group_channels_of)
        registry.recheck_when_changed(Group, group_channels_of)

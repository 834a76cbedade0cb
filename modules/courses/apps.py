from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "modules.courses"
    label = "courses"
    verbose_name = _("Courses")

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed

        from modules.courses.branches import (
            can_subscribe_dashboard,
            dashboards_of,
            register_user_scope,
            staff_changed,
        )
        from modules.courses.models import Branch, Group, Membership
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
        # `dashboard` for the director, `dashboard:<branch id>` for that branch's admins
        registry.register("dashboard", can_subscribe_dashboard)
        registry.join_on_connect(dashboards_of)
        # someone's branches changed: their sockets re-check what they hear
        m2m_changed.connect(staff_changed, sender=Branch.staff.through, dispatch_uid="courses.branch_staff")
        # the users endpoints (accounts, below us) ask who a branch admin sees and store branch_ids
        register_user_scope()

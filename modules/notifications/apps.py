from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "modules.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from modules.center import sections
        from modules.notifications.settings_section import SECTION

        sections.register(SECTION)
        from modules.notifications.receivers import connect

        connect()

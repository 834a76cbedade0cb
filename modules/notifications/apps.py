from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "modules.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from modules.notifications.receivers import connect

        connect()

from django.apps import AppConfig


class CrmConfig(AppConfig):
    name = "modules.crm"
    label = "crm"
    verbose_name = "Front office"

    def ready(self) -> None:
        from modules.crm.receivers import connect

        connect()

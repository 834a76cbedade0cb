from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrmConfig(AppConfig):
    name = "modules.crm"
    label = "crm"
    verbose_name = _("Front office")

    def ready(self) -> None:
        from modules.crm.receivers import connect

        connect()

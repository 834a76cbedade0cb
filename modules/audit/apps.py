from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "modules.audit"
    label = "audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        from modules.audit import domain, receivers

        receivers.connect()
        domain.connect()

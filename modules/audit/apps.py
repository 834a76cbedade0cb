from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "modules.audit"
    label = "audit"
    verbose_name = "Audit"

    def ready(self) -> None:
        from modules.audit import domain, receivers

        receivers.connect()
        domain.connect()

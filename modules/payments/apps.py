from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "modules.payments"
    label = "payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        from modules.courses.signals import membership_changed
        from modules.payments import receivers

        membership_changed.connect(
            receivers.on_membership_changed, dispatch_uid="payments.membership_changed"
        )

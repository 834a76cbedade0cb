from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    """The admin dashboard: a read model over every module. Nothing imports it."""

    name = "modules.backoffice"
    label = "backoffice"
    verbose_name = _("Back office")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    """The admin dashboard: a read model over every module. Nothing imports it."""

    name = "modules.backoffice"
    label = "backoffice"
    verbose_name = _("Back office")

    def ready(self) -> None:
        # every admin.py has been imported by now (django.contrib.admin comes first in INSTALLED_APPS)
        from modules.backoffice.admin_branches import scope_admin_site

        scope_admin_site()

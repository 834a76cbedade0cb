from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    """The admin dashboard: a read model over every module. Nothing imports it."""

    name = "modules.backoffice"
    label = "backoffice"
    verbose_name = "Back office"

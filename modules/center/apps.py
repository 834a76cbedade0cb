from django.apps import AppConfig


class CenterConfig(AppConfig):
    name = "modules.center"
    label = "center"
    verbose_name = "Center"

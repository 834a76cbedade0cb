from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "modules.resources"
    label = "resources"
    verbose_name = "Resources"

from django.apps import AppConfig


class HomeworkConfig(AppConfig):
    name = "modules.homework"
    label = "homework"
    verbose_name = "Homework"

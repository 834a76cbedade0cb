from django.apps import AppConfig


class LessonsConfig(AppConfig):
    name = "modules.lessons"
    label = "lessons"
    verbose_name = "Lessons"

from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "modules.courses"
    label = "courses"
    verbose_name = "Courses"

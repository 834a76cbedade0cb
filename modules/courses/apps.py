from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "modules.courses"
    label = "courses"
    verbose_name = "Courses"

    def ready(self) -> None:
        from modules.courses.selectors import can_subscribe_group
        from realtime import registry

        # group:<id> → admins, the group's teacher, its members (not left) and their parents
        registry.register("group", can_subscribe_group)

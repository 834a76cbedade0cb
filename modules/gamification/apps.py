from django.apps import AppConfig


class GamificationConfig(AppConfig):
    name = "modules.gamification"
    label = "gamification"
    verbose_name = "Gamification"

    def ready(self) -> None:
        from modules.center import sections
        from modules.gamification.settings_section import SECTION

        sections.register(SECTION)
        from modules.gamification import receivers

        receivers.connect()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GamificationConfig(AppConfig):
    name = "modules.gamification"
    label = "gamification"
    verbose_name = _("Gamification")

    def ready(self) -> None:
        from modules.center import sections
        from modules.gamification.settings_section import SECTION

        sections.register(SECTION)
        from modules.gamification import receivers

        receivers.connect()

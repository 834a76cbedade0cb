from django.apps import AppConfig


class GamificationConfig(AppConfig):
    name = "modules.gamification"
    label = "gamification"
    verbose_name = "Gamification"

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "modules.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from core import sessions
        from modules.accounts import sockets
        from modules.accounts.models import Guardianship, User
        from modules.accounts.tokens import session_is_alive

        sessions.register_lookup(session_is_alive)  # access tokens of revoked sessions are refused

        post_save.connect(sockets.user_changed, sender=User, dispatch_uid="accounts.sockets.user_saved")
        post_delete.connect(sockets.user_changed, sender=User, dispatch_uid="accounts.sockets.user_deleted")
        post_delete.connect(
            sockets.guardianship_removed,
            sender=Guardianship,
            dispatch_uid="accounts.sockets.guardian_removed",
        )

"""Account emails (password reset, email verification) in the user's language, logged like any other
delivery. Returning True tells accounts the email went out (modules/accounts/tasks.py)."""

from __future__ import annotations

import logging

from modules.notifications.kinds import ACCOUNT_KINDS

logger = logging.getLogger("markaz.notifications")


def on_account_email_requested(sender, user, kind, token, link, **kwargs) -> bool:
    from modules.notifications.services import account_email_deliver

    if kind not in ACCOUNT_KINDS:
        return False
    try:
        return account_email_deliver(user=user, kind=kind, link=link)
    except Exception:  # accounts then mails it itself
        logger.exception("account email %s for user %s failed", kind, user.pk)
        return False

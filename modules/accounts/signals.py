"""Signals accounts sends. Receivers connect in their AppConfig.ready().

account_email_requested(sender, user, kind, token, link): a one-time token to deliver by email
    (kind: "password_reset" or "email_verification"). accounts mails it itself by default; the
    notifications module may deliver it instead.
user_registered(sender, user): a student signed up.
"""

from django.dispatch import Signal

account_email_requested = Signal()
user_registered = Signal()

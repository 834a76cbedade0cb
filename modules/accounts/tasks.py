"""Account emails. The token is made inside the task, so raw tokens never sit in the task table."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from modules.accounts.models import OneTimeToken, User
from modules.accounts.services import frontend_link, one_time_token_create
from modules.accounts.signals import AccountEmailRequested, account_email_requested


def _deliver(user: User, kind: str, token: str, link: str) -> None:
    event = AccountEmailRequested(user_id=user.pk, kind=kind, link=link)
    responses = account_email_requested.send(
        sender=User, event=event, user=user, kind=kind, token=token, link=link
    )
    if any(result is True for _, result in responses):
        return  # another module (notifications) took over delivery
    with translation.override(user.language):
        context = {"user": user, "link": link, "token": token, "center": "Markaz"}
        subject = render_to_string(f"accounts/{kind}_subject.txt", context).strip()
        body = render_to_string(f"accounts/{kind}.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


def send_password_reset(user_id: int) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).exclude(email=None).first()
    if user is None:
        return
    token = one_time_token_create(
        user=user, purpose=OneTimeToken.Purpose.PASSWORD_RESET, ttl=settings.PASSWORD_RESET_TTL
    )
    _deliver(user, "password_reset", token, frontend_link("reset-password", token))


def send_password_reset_to(login: str) -> str:
    """A self-service reset request: only to an active account's VERIFIED email (an address nobody
    proved to own must not receive the key to the account)."""
    from modules.accounts.selectors import user_by_login

    user = user_by_login(login)
    if user is None or not user.is_active or not user.email or user.email_verified_at is None:
        return "skipped"
    send_password_reset(user.pk)
    return "sent"


def send_email_verification(user_id: int) -> None:
    user = User.objects.filter(pk=user_id, is_active=True, email_verified_at=None).exclude(email=None).first()
    if user is None:
        return
    token = one_time_token_create(
        user=user,
        purpose=OneTimeToken.Purpose.EMAIL_VERIFICATION,
        ttl=settings.EMAIL_VERIFICATION_TTL,
        email=user.email,
    )
    _deliver(user, "email_verification", token, frontend_link("verify-email", token))

"""Email through Django's mail backend, with the text template notifications/email/notification.txt."""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from modules.notifications import catalog
from modules.notifications.providers import PermanentError, TransientError


def render_email(*, language: str | None, name: str, title: str, body: str, framed: bool = True) -> str:
    greeting, footer = catalog.email_frame(language)
    context = {"greeting": greeting.format(name=name) if framed else "", "body": body, "footer": footer}
    return render_to_string("notifications/email/notification.txt", context)


def send_email(*, to: str, subject: str, text: str) -> str:
    message = EmailMessage(subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[to])
    try:
        message.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as exc:
        raise PermanentError(f"recipient refused: {exc}") from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise TransientError(f"mail server: {exc}") from exc
    return message.extra_headers.get("Message-ID", "")

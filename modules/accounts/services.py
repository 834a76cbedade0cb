"""Every write to accounts goes through here: the API, the admin and seed_demo share these."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import Conflict, NotAuthenticated, NotFound, ValidationFailed
from core.tasks import enqueue
from modules.accounts import branch_scope
from modules.accounts.models import Guardianship, OneTimeToken, User
from modules.accounts.selectors import user_by_login
from modules.accounts.signals import UserRegistered, user_registered
from modules.accounts.tokens import TokenPair, hash_token, session_start, sessions_revoke_all


def _validate_password(password: str, user: User | None = None) -> None:
    try:
        password_validation.validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed(
            [{"loc": ["body", "password"], "msg": m, "type": "password_invalid"} for m in exc.messages],
            code="weak_password",
        ) from exc


def _ensure_unique(*, phone: str | None = None, email: str | None = None, exclude: int | None = None) -> None:
    others = User.objects.exclude(pk=exclude) if exclude else User.objects.all()
    if phone and others.filter(phone=phone).exists():
        raise Conflict(_("This phone number is already registered."), code="phone_taken")
    if email and others.filter(email__iexact=email).exists():
        raise Conflict(_("This email is already registered."), code="email_taken")


def _save_new(user: User) -> User:
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # lost a race with another sign-up
        raise Conflict(_("This phone number or email is already registered."), code="account_exists") from exc
    return user


@transaction.atomic
def user_register(
    *, first_name: str, last_name: str, phone: str, email: str | None, password: str, language: str = "uz"
) -> User:
    _ensure_unique(phone=phone, email=email)
    user = User(
        first_name=first_name,
        last_name=last_name,
        phone=phone,
        email=email or None,
        language=language,
        role=User.Role.STUDENT,
    )
    _validate_password(password, user)
    user.set_password(password)
    _save_new(user)
    if user.email:
        email_verification_send(user=user)
    user_registered.send(sender=User, event=UserRegistered(user_id=user.pk), user=user)
    return user


@transaction.atomic
def user_create(
    *,
    role: str,
    first_name: str,
    last_name: str,
    phone: str,
    email: str | None,
    language: str = "uz",
    password: str | None = None,
    actor: User | None = None,
    branch_ids: list[int] | None = None,
) -> User:
    """A user made by an admin (`actor`). Branches are checked before the row is written and stored
    with it; without an actor (seeding, the admin site) nothing is branch-limited."""
    if actor is not None:
        branch_scope.check_assignment(actor, role=role, branch_ids=branch_ids, creating=True)
    _ensure_unique(phone=phone, email=email)
    user = User(
        first_name=first_name,
        last_name=last_name,
        phone=phone,
        email=email or None,
        language=language,
        role=role,
        is_staff=role == User.Role.ADMIN,
        is_superuser=role == User.Role.ADMIN,
    )
    if password:
        _validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    _save_new(user)
    if actor is not None:
        branch_scope.assign(actor, user, branch_ids, creating=True)
    if not password and user.email:
        enqueue("modules.accounts.tasks.send_password_reset", user.pk)
    return user


@transaction.atomic
def user_update(
    *, user: User, actor: User | None = None, branch_ids: list[int] | None = None, **fields
) -> User:
    if actor is not None:
        user_may_change(actor=actor, user=user)
        branch_scope.check_assignment(actor, role=user.role, branch_ids=branch_ids, creating=False)
        branch_scope.assign(actor, user, branch_ids, creating=False)
    fields = {k: v for k, v in fields.items() if v is not None}
    _ensure_unique(phone=fields.get("phone"), email=fields.get("email"), exclude=user.pk)
    email_changed = "email" in fields and fields["email"] != user.email
    for name, value in fields.items():
        setattr(user, name, value)
    if email_changed:
        user.email_verified_at = None
    user.save()
    if email_changed and user.email:
        email_verification_send(user=user)
    return user


def user_may_change(*, actor: User, user: User) -> None:
    """403 when a branch admin would change someone only the director changes (another admin)."""
    branch_scope.may_change(actor, user)


def own_profile_update(*, user: User, current_password: str | None, **fields) -> User:
    """A user's own changes. A new email receives password-reset links, so changing it takes the
    current password: a stolen access token alone cannot redirect the account's recovery."""
    new_email = fields.get("email")
    email_changes = new_email is not None and new_email.lower() != (user.email or "").lower()
    if email_changes and not (current_password and user.check_password(current_password)):
        raise ValidationFailed.field(
            "current_password", _("Enter your current password to change the email."), code="wrong_password"
        )
    return user_update(user=user, **fields)


@transaction.atomic
def user_set_active(*, user: User, active: bool) -> User:
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        sessions_revoke_all(user=user)  # deactivation ends every session at once
    return user


def login_with_password(
    *, login: str, password: str, user_agent: str = "", ip: str | None = None
) -> TokenPair:
    user = user_by_login(login)
    if user is None:
        User().set_password(password)  # equal work for unknown logins: no timing oracle
        raise NotAuthenticated(_("Invalid login or password."), code="invalid_credentials")
    if not user.check_password(password):
        raise NotAuthenticated(_("Invalid login or password."), code="invalid_credentials")
    if not user.is_active:
        raise NotAuthenticated(_("This account is deactivated."), code="account_disabled")
    return session_start(user=user, user_agent=user_agent, ip=ip)


@transaction.atomic
def password_change(*, user: User, old_password: str, new_password: str, current_session: str | None) -> None:
    if not user.check_password(old_password):
        raise ValidationFailed.field(
            "old_password", _("The current password is wrong."), code="wrong_password"
        )
    _validate_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    sessions_revoke_all(user=user, except_family=current_session)


@transaction.atomic
def guardian_link(*, parent: User, student: User, relation: str = "parent") -> Guardianship:
    if parent.role != User.Role.PARENT:
        raise ValidationFailed.field("parent", _("Only a parent account can be linked to a student."))
    if student.role != User.Role.STUDENT:
        raise ValidationFailed.field("student_id", _("Only a student can be linked to a parent."))
    link, _created = Guardianship.objects.get_or_create(
        parent=parent, student=student, defaults={"relation": relation}
    )
    return link


def guardian_unlink(*, parent: User, student_id: int) -> None:
    deleted, _by_model = Guardianship.objects.filter(parent=parent, student_id=student_id).delete()
    if not deleted:
        raise NotFound(_("This student is not linked to the parent."))


# --- one-time tokens (password reset, email verification) --------------------------------------


def one_time_token_create(*, user: User, purpose: str, ttl: timedelta, email: str = "") -> str:
    raw = secrets.token_urlsafe(32)
    OneTimeToken.objects.filter(user=user, purpose=purpose, used_at__isnull=True).update(
        used_at=timezone.now()
    )
    OneTimeToken.objects.create(
        user=user, purpose=purpose, token_hash=hash_token(raw), email=email, expires_at=timezone.now() + ttl
    )
    return raw


def _one_time_token_burn(*, raw: str, purpose: str) -> OneTimeToken:
    token = (
        OneTimeToken.objects.select_for_update()
        .select_related("user")
        .filter(token_hash=hash_token(raw), purpose=purpose)
        .first()
    )
    if token is None or token.used_at or token.expires_at <= timezone.now() or not token.user.is_active:
        raise ValidationFailed.field("token", _("This link is invalid or has expired."), code="invalid_token")
    token.used_at = timezone.now()
    token.save(update_fields=["used_at"])
    return token


def password_reset_request(*, login: str) -> None:
    """Always succeeds from the caller's view: whether the login exists is never revealed, not even
    by the time the answer takes. The request does the same work for every login (one queued task);
    the worker looks the account up and mails only a verified address (tasks.send_password_reset_to)."""
    enqueue("modules.accounts.tasks.send_password_reset_to", (login or "").strip()[:254])


@transaction.atomic
def password_reset_confirm(*, token: str, new_password: str) -> User:
    record = _one_time_token_burn(raw=token, purpose=OneTimeToken.Purpose.PASSWORD_RESET)
    user = record.user
    _validate_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    sessions_revoke_all(user=user)
    return user


def email_verification_send(*, user: User) -> None:
    if not user.email:
        raise ValidationFailed.field("email", _("Add an email address first."), code="no_email")
    if user.email_verified_at:
        raise Conflict(_("This email is already verified."), code="already_verified")
    enqueue("modules.accounts.tasks.send_email_verification", user.pk)


@transaction.atomic
def email_verification_confirm(*, token: str) -> User:
    record = _one_time_token_burn(raw=token, purpose=OneTimeToken.Purpose.EMAIL_VERIFICATION)
    user = record.user
    if record.email.lower() != (user.email or "").lower():
        raise ValidationFailed.field(
            "token", _("This link was for a different email address."), code="invalid_token"
        )
    user.email_verified_at = timezone.now()
    user.save(update_fields=["email_verified_at"])
    return user


def frontend_link(path: str, token: str) -> str:
    return f"{settings.FRONTEND_URL.rstrip('/')}/{path}?token={token}"

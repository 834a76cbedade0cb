from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import TimeStamped


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, phone: str, password: str | None = None, **extra):
        from modules.accounts.phones import normalize_phone

        email = extra.pop("email", None)
        user = self.model(phone=normalize_phone(phone), email=self.normalize_email(email) or None, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, phone: str, password: str | None = None, **extra):
        extra.update(role=User.Role.ADMIN, is_staff=True, is_superuser=True)
        return self.create_user(phone, password, **extra)

    @staticmethod
    def normalize_email(email):
        return email.strip().lower() if email else email


class User(AbstractBaseUser, PermissionsMixin):
    class Role(models.TextChoices):
        ADMIN = "admin", _("Admin")
        TEACHER = "teacher", _("Teacher")
        STUDENT = "student", _("Student")
        PARENT = "parent", _("Parent")

    class Language(models.TextChoices):
        UZ = "uz", "O‘zbekcha"  # each language named in itself, never translated
        RU = "ru", "Русский"
        EN = "en", "English"

    phone = models.CharField(max_length=16, unique=True, verbose_name=_("phone"))
    email = models.EmailField(max_length=254, null=True, blank=True, unique=True, verbose_name=_("email"))
    first_name = models.CharField(max_length=80, verbose_name=_("first name"))
    last_name = models.CharField(max_length=80, blank=True, verbose_name=_("last name"))
    role = models.CharField(
        max_length=16, choices=Role.choices, default=Role.STUDENT, db_index=True, verbose_name=_("role")
    )
    language = models.CharField(
        max_length=2, choices=Language.choices, default=Language.UZ, verbose_name=_("language")
    )
    is_active = models.BooleanField(default=True, verbose_name=_("is active"))
    is_staff = models.BooleanField(default=False, verbose_name=_("is staff"))
    email_verified_at = models.DateTimeField(null=True, blank=True, verbose_name=_("email verified at"))
    date_joined = models.DateTimeField(default=timezone.now, verbose_name=_("date joined"))
    children = models.ManyToManyField(
        "self",
        through="Guardianship",
        symmetrical=False,
        related_name="guardians",
        blank=True,
        verbose_name=_("children"),
    )

    objects = UserManager()

    USERNAME_FIELD = "phone"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["id"]
        indexes = [models.Index(fields=["last_name", "first_name"])]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.phone})"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN


class Guardianship(TimeStamped):
    """A parent (or other guardian) linked to a student: they see what the student sees."""

    parent = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="guardianships", verbose_name=_("parent")
    )
    student = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="guardian_links", verbose_name=_("student")
    )
    relation = models.CharField(max_length=32, blank=True, default="parent", verbose_name=_("relation"))

    class Meta:
        verbose_name = _("guardianship")
        verbose_name_plural = _("guardianships")
        constraints = [models.UniqueConstraint(fields=["parent", "student"], name="uniq_guardianship")]


class RefreshToken(models.Model):
    """One row per issued refresh token. Tokens of one login share a family: reusing a rotated
    (dead) token revokes the whole family, since it means the token leaked."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="refresh_tokens", verbose_name=_("user")
    )
    family = models.UUIDField(default=uuid.uuid4, db_index=True, verbose_name=_("family"))
    token_hash = models.CharField(max_length=64, unique=True, verbose_name=_("token hash"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    expires_at = models.DateTimeField(verbose_name=_("expires at"))
    used_at = models.DateTimeField(null=True, blank=True, verbose_name=_("used at"))
    revoked_at = models.DateTimeField(null=True, blank=True, verbose_name=_("revoked at"))
    user_agent = models.CharField(max_length=255, blank=True, verbose_name=_("user agent"))
    ip = models.GenericIPAddressField(null=True, blank=True, verbose_name=_("IP address"))

    class Meta:
        verbose_name = _("refresh token")
        verbose_name_plural = _("refresh tokens")
        indexes = [models.Index(fields=["user", "revoked_at"])]


class OneTimeToken(models.Model):
    """Password-reset and email-verification tokens: stored hashed, single use, expiring."""

    class Purpose(models.TextChoices):
        PASSWORD_RESET = "password_reset", _("Password reset")
        EMAIL_VERIFICATION = "email_verification", _("Email verification")

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="one_time_tokens", verbose_name=_("user")
    )
    purpose = models.CharField(max_length=32, choices=Purpose.choices, verbose_name=_("purpose"))
    token_hash = models.CharField(max_length=64, unique=True, verbose_name=_("token hash"))
    email = models.EmailField(blank=True, verbose_name=_("email"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    expires_at = models.DateTimeField(verbose_name=_("expires at"))
    used_at = models.DateTimeField(null=True, blank=True, verbose_name=_("used at"))

    class Meta:
        verbose_name = _("one-time token")
        verbose_name_plural = _("one-time tokens")
        indexes = [
            models.Index(fields=["user", "purpose"], condition=Q(used_at__isnull=True), name="ott_live")
        ]

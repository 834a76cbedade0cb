from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema
from pydantic import EmailStr, field_validator

from core.ordering import ordering_choices
from core.schemas import InputSchema, QueryFilterSchema
from modules.accounts.phones import InvalidPhone, normalize_phone

Role = Literal["admin", "teacher", "student", "parent"]
Language = Literal["uz", "ru", "en"]


def _phone(value: str) -> str:
    try:
        return normalize_phone(value)
    except InvalidPhone as exc:
        raise ValueError(str(exc)) from exc


def _email(value: str | None) -> str | None:
    return value.strip().lower() if value else None


class ChildOut(Schema):
    id: int
    first_name: str
    last_name: str
    phone: str


class UserOut(Schema):
    id: int
    role: Role
    first_name: str
    last_name: str
    phone: str
    email: str | None
    language: Language
    is_active: bool
    email_verified: bool = Field(False, description="the email address was confirmed")
    date_joined: datetime

    @staticmethod
    def resolve_email_verified(obj) -> bool:
        return obj.email_verified_at is not None


class MeOut(UserOut):
    children: list[ChildOut] | None = Field(None, description="a parent's linked students")

    @staticmethod
    def resolve_children(obj):
        # Prefetched by the selector; None for everyone but parents.
        return list(obj.children.all()) if obj.role == "parent" else None


class UserDetailOut(MeOut):
    branch_ids: list[int] = Field(
        default_factory=list,
        description="the branches an admin or teacher works in; an admin with none is the director",
    )


class LoginUserOut(Schema):
    id: int
    role: Role
    first_name: str
    last_name: str
    phone: str
    email: str | None
    language: Language


class LoginIn(InputSchema):
    login: str = Field(..., min_length=1, max_length=254, description="email or phone")
    password: str = Field(..., min_length=1, max_length=128)


class TokenPairOut(Schema):
    access: str
    refresh: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int
    user: LoginUserOut


class RefreshIn(InputSchema):
    refresh: str = Field(..., min_length=1, max_length=1024)


class RegisterIn(InputSchema):
    """Public sign-up makes a student. Unknown fields (role, is_staff...) are refused, never applied."""

    first_name: str = Field(..., min_length=1, max_length=80)
    last_name: str = Field("", max_length=80)
    phone: str = Field(..., max_length=32)
    email: EmailStr | None = None
    password: str = Field(..., min_length=1, max_length=128)
    language: Language = "uz"

    _phone = field_validator("phone")(_phone)
    _email = field_validator("email")(_email)


class MePatchIn(InputSchema):
    first_name: str | None = Field(None, min_length=1, max_length=80)
    last_name: str | None = Field(None, max_length=80)
    language: Language | None = None
    email: EmailStr | None = None
    current_password: str | None = Field(
        None, max_length=128, description="required when the email changes (it receives reset links)"
    )

    _email = field_validator("email")(_email)


class PasswordChangeIn(InputSchema):
    old_password: str = Field(..., max_length=128)
    new_password: str = Field(..., min_length=1, max_length=128)


class ResetRequestIn(InputSchema):
    login: str = Field(..., min_length=1, max_length=254)


class ResetConfirmIn(InputSchema):
    token: str = Field(..., min_length=1, max_length=256)
    new_password: str = Field(..., min_length=1, max_length=128)


class TokenIn(InputSchema):
    token: str = Field(..., min_length=1, max_length=256)


class AcceptedOut(Schema):
    detail: str


_BRANCH_IDS = (
    "admins and teachers: the branches they work in (set by the director only); an admin with branches "
    "is a branch admin"
)


class UserCreateIn(InputSchema):
    role: Role
    first_name: str = Field(..., min_length=1, max_length=80)
    last_name: str = Field("", max_length=80)
    phone: str = Field(..., max_length=32)
    email: EmailStr | None = None
    language: Language = "uz"
    password: str | None = Field(None, max_length=128, description="omit to email a set-password link")
    branch_ids: list[int] | None = Field(None, max_length=100, description=_BRANCH_IDS)

    _phone = field_validator("phone")(_phone)
    _email = field_validator("email")(_email)


class UserUpdateIn(InputSchema):
    first_name: str | None = Field(None, min_length=1, max_length=80)
    last_name: str | None = Field(None, max_length=80)
    phone: str | None = Field(None, max_length=32)
    email: EmailStr | None = None
    language: Language | None = None
    branch_ids: list[int] | None = Field(None, max_length=100, description=_BRANCH_IDS)

    @field_validator("phone")
    @classmethod
    def _check_phone(cls, v):
        return _phone(v) if v is not None else v

    _email = field_validator("email")(_email)


UserOrdering = ordering_choices("last_name", "first_name", "date_joined")


class UserFilter(QueryFilterSchema):
    role: Role | None = None
    is_active: bool | None = None
    search: str | None = Field(None, max_length=100)
    ordering: UserOrdering | None = Field(
        None, description="default last_name, first_name; `-` for descending, ties by id"
    )


class GuardianLinkIn(InputSchema):
    student_id: int
    relation: str = Field("parent", max_length=32)

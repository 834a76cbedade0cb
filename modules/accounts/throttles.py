"""The throttles guarding passwords, shared by the API's login, its password reset and the admin's
login page. Per-account budgets key on the account a login names, so `+998 90 123 45 67`,
`901234567`, `998901234567` and the account's email all spend one budget; a login that names no
account keys on its normalized form (E.164 phone, lower-cased email)."""

from __future__ import annotations

from core.throttling import BodyFieldThrottle, IpThrottle
from modules.accounts.phones import InvalidPhone, normalize_phone
from modules.accounts.selectors import user_by_login


def normalized_login(raw: str) -> str:
    value = raw.strip()
    if "@" in value:
        return value.lower()
    try:
        return normalize_phone(value)
    except InvalidPhone:
        return value.lower()


def login_identity(raw: str) -> str:
    user = user_by_login(raw)
    return f"account:{user.pk}" if user is not None else f"login:{normalized_login(raw)}"


def login_throttles(field: str = "login") -> list:
    return [IpThrottle("login_ip"), BodyFieldThrottle("login_account", field, login_identity)]


def reset_throttles() -> list:
    return [
        IpThrottle("password_reset"),
        BodyFieldThrottle("password_reset_account", "login", login_identity),
    ]

"""Uzbek phone numbers: any common form in, E.164 (+998 and 9 digits) out. Validity is phonenumbers'
(region UZ) so new operator codes need no code change here."""

from __future__ import annotations

import re

import phonenumbers

_NOISE = re.compile(r"[\s\-().]")


class InvalidPhone(ValueError):
    pass


def normalize_phone(raw: str) -> str:
    if not isinstance(raw, str):
        raise InvalidPhone("Enter a phone number.")
    digits = _NOISE.sub("", raw.strip())
    if re.fullmatch(r"998\d{9}", digits):
        digits = "+" + digits
    elif re.fullmatch(r"\d{9}", digits):
        digits = "+998" + digits
    try:
        number = phonenumbers.parse(digits, "UZ")
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone("Enter a valid Uzbek phone number, e.g. +998 90 123 45 67.") from exc
    if number.country_code != 998 or not phonenumbers.is_valid_number(number):
        raise InvalidPhone("Enter a valid Uzbek phone number, e.g. +998 90 123 45 67.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str) -> str:
    """+998901234567 -> +998 90 123 45 67"""
    d = e164.removeprefix("+998")
    return f"+998 {d[:2]} {d[2:5]} {d[5:7]} {d[7:]}" if len(d) == 9 else e164


def eskiz_phone(e164: str) -> str:
    """Eskiz wants the 12 digits without '+'."""
    return e164.lstrip("+")

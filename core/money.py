"""So'm on screens, tiyin in the database: the one place amounts are formatted and parsed for people
(the admin, the dashboard, notification texts). 1 so'm = 100 tiyin; digits are grouped by three with a
space, as Uzbek and Russian write them: 60000000 tiyin -> "600 000 so'm". Integers only, no floats."""

from __future__ import annotations

import re

SOM = "so'm"
TIYIN_PER_SOM = 100
# what people type between digit groups: spaces, no-break and thin spaces, apostrophes
_GROUP_SEPARATORS = re.compile(r"[\s\u00a0\u202f'’]")
_AMOUNT = re.compile(r"^(-?)(\d+)(?:[.,](\d{1,2}))?$")


def som_digits(tiyin: int | None) -> str:
    """60000000 -> "600 000"; tiyin appear only when there are some: 60000050 -> "600 000,50"."""
    tiyin = int(tiyin or 0)
    sign = "-" if tiyin < 0 else ""
    whole, rest = divmod(abs(tiyin), TIYIN_PER_SOM)
    digits = f"{whole:,}".replace(",", " ")
    return f"{sign}{digits},{rest:02d}" if rest else f"{sign}{digits}"


def format_amount(tiyin: int | None, unit: str = SOM) -> str:
    """60000000 -> "600 000 so'm" (or another unit's name, e.g. "UZS" in a message that says so)."""
    return f"{som_digits(tiyin)} {unit}"


def parse_som(text: str) -> int:
    """What an administrator typed, in so'm, as tiyin: "600 000" -> 60000000, "1 250,5" -> 125050.
    Raises ValueError for anything that is not an amount."""
    cleaned = _GROUP_SEPARATORS.sub("", str(text)).removesuffix(SOM.replace("'", ""))
    match = _AMOUNT.match(cleaned)
    if not match:
        raise ValueError(f"not an amount in so'm: {text!r}")
    sign, whole, fraction = match.groups()
    tiyin = int(whole) * TIYIN_PER_SOM + int((fraction or "0").ljust(2, "0"))
    return -tiyin if sign else tiyin

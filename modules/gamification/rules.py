"""How many coins each school event is worth: the coin-rules section of the center's settings
(defaults and shape in settings_section.py, overrides edited by admins)."""

from __future__ import annotations

from typing import Any

from modules.center.sections import with_defaults
from modules.center.selectors import get_system_settings

ATTENDED = ("present", "late")  # count towards a streak; "excused" neither counts nor breaks one


def coin_rules() -> dict[str, Any]:
    # missing keys fall back to the defaults, so an older settings row never breaks a receiver
    return with_defaults("coin_rules", get_system_settings().coin_rules)


def attendance_coins(status: str | None, rules: dict[str, Any] | None = None) -> int:
    rules = rules or coin_rules()
    if status == "present":
        return int(rules["present"])
    if status == "late":
        return int(rules["late"])
    return 0


def homework_score_coins(score: float | None, max_score: float | None, rules: dict | None = None) -> int:
    """Coins of the highest band the score reaches (bands are percentages of max_score)."""
    if score is None or not max_score:
        return 0
    rules = rules or coin_rules()
    percent = 100 * float(score) / float(max_score)
    for band in sorted(rules["homework_bands"], key=lambda b: -b["min_percent"]):
        if percent >= band["min_percent"]:
            return int(band["coins"])
    return 0


def homework_on_time_coins(on_time: bool, rules: dict | None = None) -> int:
    return int((rules or coin_rules())["homework_on_time"]) if on_time else 0


def invoice_on_time_coins(on_time: bool, rules: dict | None = None) -> int:
    return int((rules or coin_rules())["invoice_on_time"]) if on_time else 0

"""The coin-rules section of the center's settings: what each school event is worth. Declared here,
where the rules are used; the center app stores the overrides an admin makes (PATCH /settings)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from modules.center.sections import Section, validate_with

MAX_COINS = 1_000_000


def _coins():
    return Field(default=None, ge=0, le=MAX_COINS)


def default_coin_rules() -> dict[str, Any]:
    return {
        "present": 10,
        "late": 5,
        "homework_on_time": 5,
        # score bands: a submission scoring at least `min_percent` of max earns `coins`
        "homework_bands": [
            {"min_percent": 90, "coins": 20},
            {"min_percent": 70, "coins": 10},
            {"min_percent": 50, "coins": 5},
        ],
        "invoice_on_time": 20,
        "streak_length": 10,
        "streak_bonus": 50,
        "teacher_daily_limit": 100,
    }


class HomeworkBand(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min_percent: int = Field(ge=0, le=100)
    coins: int = Field(ge=0, le=MAX_COINS)


class CoinRulesOut(BaseModel):
    """The coin rules in force: the defaults, overridden by what an admin changed."""

    present: int
    late: int
    homework_on_time: int
    homework_bands: list[HomeworkBand] = Field(description="the first band a score reaches counts")
    invoice_on_time: int
    streak_length: int
    streak_bonus: int
    teacher_daily_limit: int


class CoinRulesPatch(BaseModel):
    """A partial update of the coin rules: unknown keys and negative amounts are refused."""

    model_config = ConfigDict(extra="forbid")

    present: int | None = _coins()
    late: int | None = _coins()
    homework_on_time: int | None = _coins()
    homework_bands: list[HomeworkBand] | None = Field(default=None, max_length=20)
    invoice_on_time: int | None = _coins()
    streak_length: int | None = Field(default=None, ge=1, le=365)
    streak_bonus: int | None = _coins()
    teacher_daily_limit: int | None = _coins()


def merge_coin_rules(current: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    parsed = CoinRulesPatch.model_validate(patch).model_dump(exclude_unset=True)
    merged = {**current, **parsed}
    if "homework_bands" in parsed:
        # highest band first, so "the first band reached" is the right one
        merged["homework_bands"] = sorted(parsed["homework_bands"], key=lambda b: -b["min_percent"])
    return merged


def validate_coin_rules(value: Any) -> None:
    validate_with(CoinRulesPatch, value, "coin rules")


SECTION = Section(
    name="coin_rules",
    defaults=default_coin_rules,
    read_model=CoinRulesOut,
    patch_model=CoinRulesPatch,
    merge=merge_coin_rules,
    validate=validate_coin_rules,
)

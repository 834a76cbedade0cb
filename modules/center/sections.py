"""Settings sections owned by other modules. The center's settings row holds one JSON column per
section (coin rules, notification defaults); the module that uses a section declares, in its
AppConfig.ready(), what it looks like: its defaults, the pydantic models of the value as read and
of a partial update, and how a patch merges into the current value. The center app never imports those modules (it sits below
them), the way realtime's channel registry works."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError


@dataclass(frozen=True)
class Section:
    name: str
    defaults: Callable[[], dict[str, Any]]
    read_model: type[BaseModel]  # the whole value (defaults + overrides), as GET /settings types it
    patch_model: type[BaseModel]
    merge: Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]]
    validate: Callable[[Any], None]  # raises django.core.exceptions.ValidationError


_sections: dict[str, Section] = {}


def register(section: Section) -> None:
    _sections[section.name] = section


def get(name: str) -> Section:
    try:
        return _sections[name]
    except KeyError:
        raise LookupError(f"settings section {name!r} is not registered (is its app installed?)") from None


def with_defaults(name: str, stored: dict[str, Any] | None) -> dict[str, Any]:
    """The section as readers see it: every default key, overridden by what is stored."""
    return {**get(name).defaults(), **(stored or {})}


def validate_with(model: type[BaseModel], value: Any, what: str) -> None:
    """A Django field validator from a section's patch model (the admin form and full_clean)."""
    if not isinstance(value, dict):
        raise ValidationError(f"{what} must be an object")
    try:
        model.model_validate(value)
    except PydanticValidationError as exc:
        raise ValidationError(
            ["{}: {}".format(".".join(str(p) for p in e["loc"]) or "value", e["msg"]) for e in exc.errors()]
        ) from exc

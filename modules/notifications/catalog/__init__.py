"""Texts of every notification kind in uz, ru and en; the recipient's language chooses.

Placeholders use str.format syntax; a placeholder the caller did not provide renders empty rather than
failing, so a sender adding or dropping a detail never breaks delivery."""

from __future__ import annotations

from dataclasses import dataclass
from string import Formatter

from modules.notifications.catalog import en, ru, uz

LANGUAGES = {"en": en, "ru": ru, "uz": uz}
DEFAULT_LANGUAGE = "uz"


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


@dataclass(frozen=True)
class Rendered:
    title: str
    body: str


def _fill(template: str, context: dict) -> str:
    # vformat with a forgiving mapping: unknown placeholders become "", braces in values stay literal.
    return Formatter().vformat(template, (), _Blank(context)).strip()


def module_for(language: str | None):
    return LANGUAGES.get(language or "", LANGUAGES[DEFAULT_LANGUAGE])


def render(kind: str, language: str | None, context: dict) -> Rendered:
    title, body = module_for(language).TEXTS[kind]
    return Rendered(title=_fill(title, context)[:200], body=_fill(body, context))


def email_frame(language: str | None) -> tuple[str, str]:
    """The greeting and footer that wrap an emailed notification."""
    module = module_for(language)
    return module.GREETING, module.FOOTER

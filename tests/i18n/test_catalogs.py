"""The uz and ru catalogs (locale/<lang>/LC_MESSAGES/django.po) are complete and current: every message
id the code and templates use is in them, translated, not fuzzy, with the same placeholders; Uzbek is
Latin script with one apostrophe convention (docs/i18n.md)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

LANGUAGES = ("uz", "ru")
LOCALE = Path(settings.BASE_DIR) / "locale"
CATALOGS = {lang: LOCALE / lang / "LC_MESSAGES" / "django.po" for lang in LANGUAGES}
# Unfold's and Django's strings that their own catalogs leave untranslated, kept by hand
VENDOR = {lang: LOCALE / "vendor" / lang / "LC_MESSAGES" / "django.po" for lang in LANGUAGES}
EVERY_CATALOG = [(lang, path) for lang in LANGUAGES for path in (CATALOGS[lang], VENDOR[lang])]
SOURCE_DIRS = ("core", "modules", "realtime")
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\([a-z_]+\)[sd]|%[sd]")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
# The apostrophe is ‘ (U+2018) in o‘ g‘ and ’ (U+2019) for the tutuq belgisi; never ' or ʻ, except
# inside a {placeholder} such as {raw!r}.
WRONG_APOSTROPHE = re.compile(r"['ʻ]")


def _catalog(lang: str) -> polib.POFile:
    return polib.pofile(str(CATALOGS[lang]))


def _entries(lang: str) -> list[polib.POEntry]:
    return [entry for path in (CATALOGS[lang], VENDOR[lang]) for entry in polib.pofile(str(path))]


def _translations(entry: polib.POEntry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


@pytest.mark.parametrize(("lang", "path"), EVERY_CATALOG, ids=lambda v: str(v).split("locale/")[-1])
def test_every_message_is_translated_and_none_is_fuzzy(lang, path):
    catalog = polib.pofile(str(path))
    untranslated = [e.msgid for e in catalog if not all(_translations(e))]
    fuzzy = [e.msgid for e in catalog if "fuzzy" in e.flags]
    obsolete = [e.msgid for e in catalog.obsolete_entries()]
    assert (untranslated, fuzzy, obsolete) == ([], [], []), f"{lang}: run `make messages` and translate"
    assert len(catalog) > 100  # real catalogs, not empty files


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_the_placeholders(lang):
    broken = []
    for entry in _entries(lang):
        for text in _translations(entry):
            if sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(entry.msgid)):
                broken.append((entry.msgid, text))
    assert broken == []


def test_uzbek_is_latin_script_with_one_apostrophe_convention():
    wrong = []
    for entry in _entries("uz"):
        for text in _translations(entry):
            outside_placeholders = PLACEHOLDER.sub("", text)
            if CYRILLIC.search(text) or WRONG_APOSTROPHE.search(outside_placeholders):
                wrong.append(text)
    assert wrong == []


def test_the_catalogs_hold_every_message_id_the_code_uses(tmp_path, monkeypatch):
    """Extract the message ids afresh (Django's makemessages over a copy of the sources, so the
    committed catalogs are not touched) and compare: a string wrapped in gettext but never extracted
    and translated fails here."""
    if shutil.which("xgettext") is None:
        pytest.fail("xgettext (GNU gettext) is missing: `apt-get install gettext`")
    for name in SOURCE_DIRS:
        shutil.copytree(
            Path(settings.BASE_DIR) / name,
            tmp_path / name,
            ignore=shutil.ignore_patterns("__pycache__", "tests"),
        )
    (tmp_path / "locale").mkdir()
    monkeypatch.chdir(tmp_path)
    with override_settings(LOCALE_PATHS=[tmp_path / "locale"]):
        call_command("makemessages", locale=["ru"], no_location=True, verbosity=0)
    fresh = {e.msgid for e in polib.pofile(str(tmp_path / "locale" / "ru" / "LC_MESSAGES" / "django.po"))}
    for lang in LANGUAGES:
        committed = {e.msgid for e in _catalog(lang)}
        assert sorted(fresh - committed) == [], f"{lang}: new strings; run `make messages` and translate"
        assert sorted(committed - fresh) == [], f"{lang}: strings no longer used; run `make messages`"
        vendor = {e.msgid for e in polib.pofile(str(VENDOR[lang]))}
        assert sorted(vendor & committed) == []  # the project's catalog would win: a dead entry

"""Texts the front office sends, in uz, ru and en (the recipient's language chooses; a lead's is
set on the lead). In-app texts go through the notifications module as announcements."""

from __future__ import annotations

from string import Formatter

TEXTS = {
    "en": {
        "lead_new": ("New enquiry: {name}", "{name} ({phone}) left an enquiry on the website. {course}"),
        "trial_lead": (
            "",
            "{name}, we are expecting you tomorrow, {when}, at the trial lesson of {group}. {branch}",
        ),
        "trial_teacher": (
            "Trial guest tomorrow: {group}",
            "{name} comes to your {group} lesson on {when} for a trial.",
        ),
        "makeup": ("Make-up lesson: {group}", "{student} has a make-up lesson of {group} on {when}."),
    },
    "ru": {
        "lead_new": ("Новая заявка: {name}", "{name} ({phone}) оставил(а) заявку на сайте. {course}"),
        "trial_lead": ("", "{name}, ждём вас завтра, {when}, на пробном уроке {group}. {branch}"),
        "trial_teacher": ("Пробный гость завтра: {group}", "{name} придёт на пробный урок {group} {when}."),
        "makeup": ("Отработка: {group}", "У {student} отработка урока {group} {when}."),
    },
    "uz": {
        "lead_new": ("Yangi ariza: {name}", "{name} ({phone}) saytda ariza qoldirdi. {course}"),
        "trial_lead": ("", "{name}, sizni ertaga, {when}, {group} sinov darsida kutamiz. {branch}"),
        "trial_teacher": (
            "Ertaga sinov mehmoni: {group}",
            "{name} {when} {group} darsingizga sinov uchun keladi.",
        ),
        "makeup": ("Qayta dars: {group}", "{student} uchun {group} qayta darsi {when}."),
    },
}


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def render(key: str, language: str | None, context: dict) -> tuple[str, str]:
    title, body = TEXTS.get(language or "", TEXTS["uz"])[key]
    fill = Formatter().vformat
    return fill(title, (), _Blank(context)).strip(), fill(body, (), _Blank(context)).strip()

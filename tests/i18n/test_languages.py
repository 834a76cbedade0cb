"""How a request's language is picked (core/i18n.py), in the admin and in the API: the language cookie
(Unfold's switcher), else the signed-in user's `language`, else Accept-Language, else English. Error
`code`s never change with the language."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.admin.sites import site
from django.db import models
from django.test import Client, RequestFactory
from django.utils import translation
from django.utils.functional import Promise

from modules.courses.models import Group
from tests.factories.accounts import AdminFactory, TeacherFactory
from tests.factories.courses import GroupFactory, LessonScheduleFactory

pytestmark = pytest.mark.django_db

GROUPS = "/admin/courses/group/"


def _admin_client(language: str, **cookies) -> Client:
    client = Client()
    client.force_login(AdminFactory(language=language))
    for name, value in cookies.items():
        client.cookies[name] = value
    return client


@pytest.mark.parametrize(
    ("language", "title", "column"),
    [("ru", "Группы", "Преподаватель"), ("uz", "Guruhlar", "O‘qituvchi"), ("en", "Groups", "Teacher")],
)
def test_the_admin_speaks_the_signed_in_users_language(language, title, column):
    GroupFactory()
    response = _admin_client(language).get(GROUPS)
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Language"] == language
    assert title in html and column in html


def test_the_switchers_cookie_wins_over_the_users_language():
    client = _admin_client("ru", **{settings.LANGUAGE_COOKIE_NAME: "uz"})
    html = client.get(GROUPS).content.decode()
    assert "Guruhlar" in html and "Группы" not in html


def test_the_switcher_posts_to_setlang_and_sets_the_cookie():
    client = _admin_client("ru")
    index = client.get("/admin/").content.decode()
    assert 'action="/i18n/setlang/"' in index  # Unfold's language switcher (UNFOLD["SHOW_LANGUAGES"])
    response = client.post("/i18n/setlang/", {"language": "uz", "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "uz"
    assert "Boshqaruv paneli" in client.get("/admin/").content.decode()


def test_the_login_page_follows_the_browser_before_anyone_signs_in():
    html = Client().get("/admin/login/", headers={"Accept-Language": "ru-RU,ru;q=0.9"}).content.decode()
    assert "Email или телефон" in html


def test_the_dashboard_is_translated():
    html = _admin_client("uz").get("/admin/").content.decode()
    assert "Bugungi darslar" in html and "Lessons today" not in html


@pytest.mark.parametrize(
    ("language", "search"), [("uz", "Ilova va modellarni qidirish"), ("ru", "Поиск приложений")]
)
def test_unfolds_own_strings_come_from_the_vendor_catalog(language, search):
    html = _admin_client(language).get("/admin/").content.decode()
    assert search in html and "Search apps and models" not in html


def test_an_admin_actions_message_is_in_the_admins_language(admin):
    teacher = TeacherFactory()
    group = GroupFactory(teacher=teacher)
    LessonScheduleFactory(group=group)
    request = RequestFactory().post(GROUPS)
    request.user = admin
    messages = []
    model_admin = site._registry[Group]
    model_admin.message_user = lambda request, message, *args, **kwargs: messages.append(message)
    with translation.override("ru"):
        model_admin.generate_lessons(request, Group.objects.filter(pk=group.pk))
    assert messages == ["Создание уроков поставлено в очередь для 1 группы."]


# --- the API -------------------------------------------------------------------------------------


def test_an_api_error_detail_follows_the_users_language_and_keeps_its_code(api):
    teacher = TeacherFactory(language="ru")
    response = api(teacher).get("/groups/999999999", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert response.json() == {"detail": "Группа не найдена.", "code": "not_found"}
    assert response["Content-Language"] == "ru"


def test_an_anonymous_api_error_follows_accept_language(api):
    response = api().get("/groups/1", headers={"Accept-Language": "uz"})
    assert response.status_code == 401
    assert response.json() == {
        "detail": "Kirish ma’lumotlari berilmagan yoki noto‘g‘ri.",
        "code": "not_authenticated",
    }


def test_without_any_choice_the_api_answers_in_english(api):
    response = api().get("/groups/1")
    assert response.json()["detail"] == "Authentication credentials were not provided or are invalid."


def test_a_validation_items_message_is_translated_in_place(api, admin, student):
    admin.language = "ru"
    admin.save(update_fields=["language"])
    not_theirs = GroupFactory()
    response = api(admin).post(
        f"/students/{student.pk}/coins/award", {"amount": 5, "note": "молодец", "group_id": not_theirs.pk}
    )
    body = response.json()
    assert response.status_code == 422 and body["code"] == "validation_error"
    assert body["detail"][0]["msg"] == "Ученика нет в этой группе."


# --- every label is translatable ---------------------------------------------------------------


def _project_models():
    return [m for m in apps.get_models() if m.__module__.startswith("modules.") and not m._meta.auto_created]


def test_every_model_field_and_choice_has_a_translatable_label():
    """A label that is not wrapped in gettext_lazy is English in every language: this names it."""
    plain = []
    for model in _project_models():
        opts = model._meta
        for label in (opts.verbose_name, opts.verbose_name_plural):
            if not isinstance(label, Promise):
                plain.append(f"{opts.label}: {label}")
        for field in opts.get_fields(include_hidden=False):
            if not isinstance(field, models.Field) or field.auto_created:
                continue
            if not isinstance(field.verbose_name, Promise):
                plain.append(f"{opts.label}.{field.name}")
            if field.help_text and not isinstance(field.help_text, Promise):
                plain.append(f"{opts.label}.{field.name} (help_text)")
            plain += [
                f"{opts.label}.{field.name} = {value}"
                for value, text in field.flatchoices
                if not isinstance(text, Promise) and field.name != "language"  # languages name themselves
            ]
    assert plain == []

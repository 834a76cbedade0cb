"""Deep-link linking and the webhook: secret header, /start <token>, welcome in the user's language,
one-time and expiring tokens, redelivered updates."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import timezone

from modules.notifications.models import TelegramLink, TelegramLinkToken

WEBHOOK = "/notifications/telegram/webhook"
PERSONAS = ["admin", "teacher", "student", "parent", "outsider"]


def update(text: str, chat_id: int = 9001, update_id: int = 1, language: str = "en") -> dict:
    return {
        "update_id": update_id,
        "message": {
            "message_id": 5,
            "date": 1764000000,
            "chat": {"id": chat_id, "type": "private"},
            "from": {
                "id": chat_id,
                "is_bot": False,
                "first_name": "X",
                "username": "xuser",
                "language_code": language,
            },
            "text": text,
        },
    }


def hook(api, body, secret="s3cret-webhook"):
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    return api().post(WEBHOOK, body, headers=headers)


def link_token(api, user) -> str:
    response = api(user).post("/notifications/telegram/link")
    assert response.status_code == 200
    body = response.json()
    assert body["expires_in"] == 900
    url = urlparse(body["url"])
    assert (url.scheme, url.netloc, url.path) == ("https", "t.me", "/markaz_test_bot")
    token = parse_qs(url.query)["start"][0]
    assert 1 <= len(token) <= 64 and all(c.isalnum() or c in "-_" for c in token)
    return token


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_persona_links_their_own_chat(api, telegram_api, persona, request):
    user = request.getfixturevalue(persona)
    token = link_token(api, user)
    response = hook(api, update(f"/start {token}", chat_id=1000 + user.pk))
    assert response.status_code == 200
    assert response.json()["method"] == "sendMessage" and response.json()["chat_id"] == 1000 + user.pk
    link = TelegramLink.objects.get(user=user)
    assert (link.chat_id, link.username) == (1000 + user.pk, "xuser")


def test_welcome_is_in_the_users_language(api, telegram_api, student):
    student.language = "ru"
    student.save()
    token = link_token(api, student)
    assert (
        hook(api, update(f"/start {token}"))
        .json()["text"]
        .startswith(f"Добро пожаловать, {student.first_name}!")
    )


def test_wrong_or_missing_secret_is_refused(api, telegram_api, student):
    token = link_token(api, student)
    for secret in (None, "wrong"):
        response = hook(api, update(f"/start {token}"), secret=secret)
        assert response.status_code == 401 and response.json()["code"] == "bad_webhook_secret"
    assert not TelegramLink.objects.exists()


def test_webhook_is_refused_when_no_secret_is_configured(api, telegram_api, settings):
    settings.TELEGRAM_WEBHOOK_SECRET = ""
    assert hook(api, update("/start x"), secret="").status_code == 401


def test_a_token_works_once_and_a_redelivery_is_harmless(api, telegram_api, student):
    token = link_token(api, student)
    first = hook(api, update(f"/start {token}", chat_id=77)).json()
    again = hook(api, update(f"/start {token}", chat_id=77)).json()  # Telegram redelivers
    assert first == again and "Welcome" in first["text"]
    stolen = hook(api, update(f"/start {token}", chat_id=78)).json()  # another chat with a used token
    assert "invalid or has expired" in stolen["text"]
    assert TelegramLink.objects.get(user=student).chat_id == 77


def test_expired_and_unknown_tokens_link_nothing(api, telegram_api, student):
    token = link_token(api, student)
    TelegramLinkToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert "expired" in hook(api, update(f"/start {token}")).json()["text"]
    assert "expired" in hook(api, update("/start not-a-token")).json()["text"]
    assert not TelegramLink.objects.exists()


def test_a_new_link_replaces_the_previous_token(api, telegram_api, student):
    old = link_token(api, student)
    new = link_token(api, student)
    assert "expired" in hook(api, update(f"/start {old}")).json()["text"]
    assert "Welcome" in hook(api, update(f"/start {new}")).json()["text"]


def test_other_messages_get_help_and_garbage_is_422(api, telegram_api):
    assert "Connect Telegram" in hook(api, update("hello")).json()["text"]
    assert hook(api, {"update_id": 3, "callback_query": {}}).json() == {}
    response = api().client.post(
        "/api/v1" + WEBHOOK,
        data="{not json",
        content_type="application/json",
        headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-webhook"},
    )
    assert response.status_code == 422


def test_link_refused_when_the_bot_is_not_configured(api, student, settings):
    settings.TELEGRAM_BOT_TOKEN = ""
    response = api(student).post("/notifications/telegram/link")
    assert response.status_code == 409 and response.json()["code"] == "provider_disabled"

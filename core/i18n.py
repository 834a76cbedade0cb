"""Which language a request is answered in. One rule for the admin and the API:

1. an explicit choice: the language cookie Unfold's switcher sets (POST /i18n/setlang/);
2. else the signed-in user's `language` (the admin's session user, the API's JWT user);
3. else the browser's Accept-Language;
4. else settings.LANGUAGE_CODE.

LocaleMiddleware applies 1, 3 and 4 before the view; `activate_for_user` adds 2 once the user is
known (after AuthenticationMiddleware for the admin, in the JWT auth class for the API, whose user
is only known inside the operation)."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation


def _supported(code: str | None) -> str | None:
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def activate_for_user(request, user) -> None:
    """Switch the current request to `user.language`, unless the request made its own choice."""
    if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME):
        return
    language = _supported(getattr(user, "language", None))
    if language is None:
        return
    translation.activate(language)
    request.LANGUAGE_CODE = language


class UserLanguageMiddleware:
    """After AuthenticationMiddleware: a signed-in admin who never used the switcher sees the admin
    in the language of their account."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            activate_for_user(request, user)
        return self.get_response(request)

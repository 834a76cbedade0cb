from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from modules.accounts.selectors import user_by_login


class EmailOrPhoneBackend(ModelBackend):
    """The admin site and the API both accept an email or a phone in any common Uzbek form."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        login = username or kwargs.get("phone") or kwargs.get("login")
        if not login or password is None:
            return None
        user = user_by_login(login)
        if user is None:
            self.user_model().set_password(password)  # same work for unknown logins: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    @property
    def user_model(self):
        from django.contrib.auth import get_user_model

        return get_user_model()

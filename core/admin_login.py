"""The admin site's login form: one field for an email or a phone, like POST /auth/login. Who the
login names is decided by the authentication backend (settings.AUTHENTICATION_BACKENDS), the one
owner of the email/phone rule for the admin and the API alike; this form only stops the browser
from refusing an email (the user model's USERNAME_FIELD is a 16-character phone)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from unfold.forms import AuthenticationForm

LOGIN_MAX_LENGTH = 254  # an email address at its longest


class AdminLoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Please enter the correct email or phone and password for a staff account. "
            "Note that the password is case-sensitive."
        ),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        field = self.fields["username"]
        field.label = _("Email or phone")
        field.max_length = LOGIN_MAX_LENGTH
        field.widget.attrs.update(maxlength=str(LOGIN_MAX_LENGTH), autocomplete="username")

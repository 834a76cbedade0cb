"""The admin site's login page under the API's login throttles: the same per-address and
per-account budgets (modules/accounts/throttles.py), so a password cannot be guessed through
/admin/login/ faster than through /api/v1/auth/login."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpResponse
from django.utils.translation import gettext as _

from core.throttling import throttled
from modules.accounts.throttles import login_throttles


def throttled_admin_login(request, extra_context=None):
    if request.method == "POST":
        wait = throttled(login_throttles(field="username"), request)
        if wait is not None:
            response = HttpResponse(
                _("Too many login attempts. Try again later."),
                status=429,
                content_type="text/plain; charset=utf-8",
            )
            response["Retry-After"] = str(int(wait))
            return response
    return admin.site.login(request, extra_context)

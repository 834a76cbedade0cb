from __future__ import annotations

from django.contrib import admin
from django.http import JsonResponse
from django.urls import path, re_path

from core.api import api
from core.health import healthz, readyz
from modules.accounts.admin_login import throttled_admin_login


def api_not_found(request, *args, **kwargs):
    return JsonResponse({"detail": "Not found.", "code": "not_found"}, status=404)


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("api/v1/", api.urls),
    re_path(r"^api/", api_not_found),  # never an HTML page from /api/
    path("admin/login/", throttled_admin_login, name="admin_login_throttled"),  # before the site's own
    path("admin/", admin.site.urls),
]

from __future__ import annotations

from django.contrib import admin
from django.http import JsonResponse
from django.urls import path, re_path

from core.api import api
from core.health import healthz, readyz


def api_not_found(request, *args, **kwargs):
    return JsonResponse({"detail": "Not found.", "code": "not_found"}, status=404)


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("api/v1/", api.urls),
    re_path(r"^api/", api_not_found),  # never an HTML page from /api/
    path("admin/", admin.site.urls),
]

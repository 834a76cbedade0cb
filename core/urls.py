from __future__ import annotations

import importlib
import importlib.util

from django.conf import settings
from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path, re_path
from django.utils.translation import gettext as _

from core.api import api
from core.health import healthz, readyz
from core.signed_files import serve_signed_file


def api_not_found(request, *args, **kwargs):
    return JsonResponse({"detail": _("Not found."), "code": "not_found"}, status=404)


def _module_urlpatterns() -> list:
    """Every module's `urls.urlpatterns` (found through INSTALLED_APPS, like the API routers), so the
    project's URLconf names no module."""
    found = []
    for app in settings.INSTALLED_APPS:
        if app.startswith("modules.") and importlib.util.find_spec(f"{app}.urls") is not None:
            found += importlib.import_module(f"{app}.urls").urlpatterns
    return found


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("api/v1/files/<str:token>", serve_signed_file, name="signed-file"),
    path("api/v1/", api.urls),
    re_path(r"^api/", api_not_found),  # never an HTML page from /api/
    *_module_urlpatterns(),  # before the admin site: a module may take over one of its pages
    path("i18n/", include("django.conf.urls.i18n")),  # set_language, for the admin's switcher
    path("admin/", admin.site.urls),
]

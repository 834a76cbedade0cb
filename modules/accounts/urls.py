"""Pages this module adds outside the API (core.urls mounts every module's `urlpatterns`)."""

from django.urls import path

from modules.accounts.admin_login import throttled_admin_login

urlpatterns = [
    # before the admin site's own login: the same throttles as POST /api/v1/auth/login
    path("admin/login/", throttled_admin_login, name="admin_login_throttled"),
]

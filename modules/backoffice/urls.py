"""The dashboard's action (core.urls mounts every module's `urlpatterns`, before the admin site)."""

from django.contrib import admin
from django.urls import path

from modules.backoffice.views import remind_debtor

urlpatterns = [
    # admin_view: staff only, a login page for anyone else, like every admin page
    path("admin/dashboard/remind/", admin.site.admin_view(remind_debtor), name="backoffice_remind_debtor"),
]

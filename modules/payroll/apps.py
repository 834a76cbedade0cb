from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PayrollConfig(AppConfig):
    name = "modules.payroll"
    label = "payroll"
    verbose_name = _("Teacher pay")

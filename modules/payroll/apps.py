from django.apps import AppConfig


class PayrollConfig(AppConfig):
    name = "modules.payroll"
    label = "payroll"
    verbose_name = "Teacher pay"

"""Admin pages for money records, balances, fiscal profiles and the Click/Uzum transactions. The
ledgers are read-only here: money moves only through the services (desk, gateways, tasks)."""

from __future__ import annotations

from django.contrib import admin
from unfold.admin import ModelAdmin

from core.admin_money import SomAdminMixin
from core.admin_perf import LargeTableMixin
from core.admin_readonly import ReadOnlyAdmin
from modules.payments.click.models import ClickTransaction
from modules.payments.fiscal_models import CourseFiscalProfile
from modules.payments.ledger_models import BalanceEntry, PaymentRecord, StudentBalance
from modules.payments.uzum.models import UzumTransaction


@admin.register(CourseFiscalProfile)
class CourseFiscalProfileAdmin(ModelAdmin):
    list_display = ["course", "title", "ikpu_code", "package_code", "vat_percent"]
    raw_id_fields = ["course"]


@admin.register(PaymentRecord)
class PaymentRecordAdmin(LargeTableMixin, SomAdminMixin, ReadOnlyAdmin):
    money_fields = ["amount"]
    list_display = [
        "receipt_number",
        "occurred_at",
        "kind",
        "method",
        "amount",
        "payment",
        "student",
        "cashier",
    ]
    list_filter = ["kind", "method"]
    search_fields = ["receipt_number", "external_reference"]
    date_hierarchy = "occurred_at"


@admin.register(BalanceEntry)
class BalanceEntryAdmin(LargeTableMixin, SomAdminMixin, ReadOnlyAdmin):
    money_fields = ["amount"]
    list_display = ["created_at", "student", "kind", "amount", "payment", "note"]
    list_filter = ["kind"]


@admin.register(StudentBalance)
class StudentBalanceAdmin(LargeTableMixin, SomAdminMixin, ReadOnlyAdmin):
    money_fields = ["balance"]
    list_display = ["student", "balance", "updated_at"]


@admin.register(ClickTransaction)
class ClickTransactionAdmin(SomAdminMixin, ReadOnlyAdmin):
    money_fields = ["amount"]
    list_display = ["click_trans_id", "payment", "amount", "state", "prepare_time", "complete_time"]
    list_filter = ["state"]
    search_fields = ["click_trans_id"]


@admin.register(UzumTransaction)
class UzumTransactionAdmin(SomAdminMixin, ReadOnlyAdmin):
    money_fields = ["amount"]
    list_display = ["trans_id", "payment", "amount", "status", "trans_time", "confirm_time"]
    list_filter = ["status"]
    search_fields = ["trans_id"]

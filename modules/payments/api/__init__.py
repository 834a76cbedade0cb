"""The payments API: invoices, schedules, reports and the Payme endpoint, mounted as one router."""

from ninja import Router

from modules.payments.api.balance import router as balance
from modules.payments.api.cashbox import router as cashbox
from modules.payments.api.click import router as click
from modules.payments.api.invoices import router as invoices
from modules.payments.api.payme import router as payme
from modules.payments.api.reports import router as reports
from modules.payments.api.schedules import router as schedules
from modules.payments.api.uzum import router as uzum

router = Router()
# the Payme and report paths are added before /payments/{payment_id} ones so they never shadow
router.add_router("", payme)
router.add_router("", click)
router.add_router("", uzum)
router.add_router("", cashbox)
router.add_router("", reports)
router.add_router("", balance)
router.add_router("", invoices)
router.add_router("", schedules)

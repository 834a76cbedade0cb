"""The payments API: invoices, schedules, reports and the Payme endpoint, mounted as one router."""

from ninja import Router

from modules.payments.api.invoices import router as invoices
from modules.payments.api.payme import router as payme
from modules.payments.api.reports import router as reports
from modules.payments.api.schedules import router as schedules

router = Router()
# the Payme and report paths are added before /payments/{payment_id} ones so they never shadow
router.add_router("", payme)
router.add_router("", reports)
router.add_router("", invoices)
router.add_router("", schedules)

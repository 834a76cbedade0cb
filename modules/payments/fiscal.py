"""Fiscal receipt data sent to Payme in CheckPerformTransaction's `detail`: one line per invoice
(count 1, price = the amount due in tiyin, so the lines sum to the transaction amount), with the
IKPU code, package code and VAT of the invoice's course, or the center's defaults from the env.
No IKPU code anywhere means no `detail` (Payme then fiscalises nothing for us)."""

from __future__ import annotations

from django.conf import settings

from modules.payments.fiscal_models import CourseFiscalProfile
from modules.payments.models import Payment

RECEIPT_TYPE_SALE = 0  # the only type used in Payme's examples; a refund gets its own CANCEL receipt
TITLE_LIMIT = 128


def fiscal_terms(payment: Payment) -> dict | None:
    """{title, code, package_code, vat_percent} for an invoice, or None when nothing is configured."""
    profile = None
    course_id = _course_id(payment)
    if course_id is not None:
        profile = CourseFiscalProfile.objects.filter(course_id=course_id).first()
    if profile is not None:
        code, package, vat, title = (
            profile.ikpu_code,
            profile.package_code,
            profile.vat_percent,
            profile.title,
        )
    else:
        code, package, vat, title = (
            settings.PAYME_IKPU_CODE,
            settings.PAYME_PACKAGE_CODE,
            settings.PAYME_VAT_PERCENT,
            "",
        )
    if not code:
        return None
    return {
        "title": (title or payment.description or f"Invoice {payment.pk}")[:TITLE_LIMIT],
        "code": code,
        "package_code": package,
        "vat_percent": vat,
    }


def _course_id(payment: Payment) -> int | None:
    if payment.group_id is None:
        return None
    from modules.courses.models import Group

    return Group.objects.filter(pk=payment.group_id).values_list("course_id", flat=True).first()


def payme_detail(payment: Payment) -> dict | None:
    terms = fiscal_terms(payment)
    if terms is None:
        return None
    item = {
        "title": terms["title"],
        "price": payment.amount_due,
        "count": 1,
        "code": terms["code"],
        "package_code": terms["package_code"],
        "vat_percent": terms["vat_percent"],
    }
    return {"receipt_type": RECEIPT_TYPE_SALE, "items": [item]}


def fiscal_receipts(payment: Payment) -> list[dict]:
    """The fiscal receipts Payme reported (SetFiscalData) for the invoice's transactions, oldest
    first; read from prefetched `payme_transactions`."""
    out = []
    for tx in sorted(payment.payme_transactions.all(), key=lambda t: t.payme_time):
        for kind in ("PERFORM", "CANCEL"):
            data = (tx.fiscal_data or {}).get(kind)
            if isinstance(data, dict):
                out.append({"provider": "payme", "transaction": tx.payme_id, "type": kind, **_clean(data)})
    return out


FISCAL_FIELDS = ("receipt_id", "status_code", "message", "terminal_id", "fiscal_sign", "qr_code_url", "date")


def _clean(data: dict) -> dict:
    return {name: (None if data.get(name) is None else str(data.get(name))) for name in FISCAL_FIELDS}

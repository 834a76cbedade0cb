"""JSON-RPC error codes Payme expects, with messages in the three languages Payme shows."""

from __future__ import annotations

from typing import Any

NOT_POST = -32300
PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INSUFFICIENT_PRIVILEGE = -32504
INTERNAL_ERROR = -32400
WRONG_AMOUNT = -31001
TRANSACTION_NOT_FOUND = -31003
CANNOT_CANCEL = -31007
CANNOT_PERFORM = -31008
# account errors live in -31050..-31099
INVOICE_NOT_FOUND = -31050
INVOICE_NOT_PAYABLE = -31051
INVOICE_IN_PROGRESS = -31052

MESSAGES: dict[int, dict[str, str]] = {
    NOT_POST: {
        "ru": "Метод запроса должен быть POST.",
        "uz": "So'rov usuli POST bo'lishi kerak.",
        "en": "The request method must be POST.",
    },
    PARSE_ERROR: {
        "ru": "Ошибка разбора JSON.",
        "uz": "JSON tahlil qilishda xatolik.",
        "en": "The request body is not valid JSON.",
    },
    INVALID_REQUEST: {
        "ru": "Неверный запрос JSON-RPC.",
        "uz": "JSON-RPC so'rovi noto'g'ri.",
        "en": "Invalid JSON-RPC request.",
    },
    METHOD_NOT_FOUND: {
        "ru": "Запрашиваемый метод не найден.",
        "uz": "So'ralgan usul topilmadi.",
        "en": "The requested method was not found.",
    },
    INSUFFICIENT_PRIVILEGE: {
        "ru": "Недостаточно привилегий для выполнения метода.",
        "uz": "Usulni bajarish uchun huquqlar yetarli emas.",
        "en": "Insufficient privileges to perform this method.",
    },
    INTERNAL_ERROR: {
        "ru": "Внутренняя ошибка сервера.",
        "uz": "Serverning ichki xatosi.",
        "en": "Internal server error.",
    },
    WRONG_AMOUNT: {
        "ru": "Неверная сумма.",
        "uz": "Noto'g'ri summa.",
        "en": "Incorrect amount.",
    },
    TRANSACTION_NOT_FOUND: {
        "ru": "Транзакция не найдена.",
        "uz": "Tranzaksiya topilmadi.",
        "en": "Transaction not found.",
    },
    CANNOT_CANCEL: {
        "ru": "Невозможно отменить транзакцию: услуга оказана.",
        "uz": "Tranzaksiyani bekor qilib bo'lmaydi: xizmat ko'rsatilgan.",
        "en": "The transaction cannot be cancelled: the service was delivered.",
    },
    CANNOT_PERFORM: {
        "ru": "Невозможно выполнить данную операцию.",
        "uz": "Ushbu amalni bajarib bo'lmaydi.",
        "en": "This operation cannot be performed.",
    },
    INVOICE_NOT_FOUND: {
        "ru": "Счёт не найден.",
        "uz": "Hisob topilmadi.",
        "en": "Invoice not found.",
    },
    INVOICE_NOT_PAYABLE: {
        "ru": "Счёт уже оплачен или отменён.",
        "uz": "Hisob allaqachon to'langan yoki bekor qilingan.",
        "en": "The invoice is already paid or cancelled.",
    },
    INVOICE_IN_PROGRESS: {
        "ru": "Счёт уже оплачивается в другой транзакции.",
        "uz": "Hisob boshqa tranzaksiyada to'lanmoqda.",
        "en": "The invoice is being paid in another transaction.",
    },
}


class PaymeError(Exception):
    """Raised anywhere inside a Payme method; the endpoint turns it into a JSON-RPC error."""

    def __init__(self, code: int, data: Any = None):
        self.code = code
        self.data = data
        super().__init__(f"payme error {code}")

    @property
    def message(self) -> dict[str, str]:
        return MESSAGES[code_family(self.code)]


def code_family(code: int) -> int:
    return code if code in MESSAGES else INTERNAL_ERROR

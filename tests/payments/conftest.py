from __future__ import annotations

import base64
import itertools
import json

import pytest
from django.test import Client

from tests.factories.payments import PaymentFactory

PAYME_KEY = "test-payme-key-123"
PAYME_URL = "/api/v1/payments/payme"
_ids = itertools.count(1)


def payme_id() -> str:
    """A 24-character Payme-like id."""
    return f"{next(_ids):024x}"


class PaymeClient:
    """Speaks to the Merchant API as Payme does (Basic auth, JSON-RPC)."""

    def __init__(self, key: str | None = PAYME_KEY):
        self.client = Client()
        self.key = key
        self._id = itertools.count(1)

    def headers(self, key: str | None) -> dict:
        if key is None:
            return {}
        token = base64.b64encode(f"Paycom:{key}".encode()).decode()
        return {"Authorization": f"Basic {token}"}

    def raw(self, body, *, key: str | None | object = ..., method: str = "post", headers=None, **extra):
        key = self.key if key is ... else key
        data = body if isinstance(body, (bytes, str)) else json.dumps(body)
        all_headers = {**self.headers(key), **(headers or {})}
        return Client().generic(
            method.upper(), PAYME_URL, data, content_type="application/json", headers=all_headers, **extra
        )

    def call(self, method: str, params: dict, *, key=..., **kw) -> dict:
        rpc_id = next(self._id)
        response = self.raw({"method": method, "params": params, "id": rpc_id}, key=key, **kw)
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["id"] == rpc_id
        return body


@pytest.fixture
def payme_settings(settings):
    settings.PAYME_KEY = PAYME_KEY
    settings.PAYME_MERCHANT_ID = "5e730e8e0b852a417aa49ceb"
    settings.PAYME_CHECKOUT_URL = "https://test.paycom.uz"
    return settings


@pytest.fixture
def payme(db, payme_settings) -> PaymeClient:
    return PaymeClient()


@pytest.fixture
def invoice(db, student):
    return PaymentFactory(student=student, amount=50_000_000)


def error_code(body: dict) -> int | None:
    return body.get("error", {}).get("code")


@pytest.fixture
def click_settings(settings):
    from tests.payments.gateway_clients import CLICK_SECRET, CLICK_SERVICE

    settings.CLICK_SERVICE_ID = CLICK_SERVICE
    settings.CLICK_SECRET_KEY = CLICK_SECRET
    settings.CLICK_MERCHANT_ID = "11223"
    settings.CLICK_MERCHANT_USER_ID = "44556"
    return settings


@pytest.fixture
def uzum_settings(settings):
    from tests.payments.gateway_clients import UZUM_LOGIN, UZUM_PASSWORD, UZUM_SERVICE

    settings.UZUM_SERVICE_ID = UZUM_SERVICE
    settings.UZUM_LOGIN = UZUM_LOGIN
    settings.UZUM_PASSWORD = UZUM_PASSWORD
    return settings

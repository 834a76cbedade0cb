"""Clients that speak to Markaz as Click and Uzum do (shared by the gateway tests and the e2e)."""

from __future__ import annotations

import base64
import hashlib
import itertools
import json

from django.test import Client

CLICK_SECRET = "click-secret-for-tests"
CLICK_SERVICE = "31337"
UZUM_SERVICE = "498"
UZUM_LOGIN, UZUM_PASSWORD = "markaz-uzum", "uzum-pass-for-tests"

_click_ids = itertools.count(7_000_000_001)
_uzum_ids = itertools.count(1)


def click_trans_id() -> int:
    return next(_click_ids)


def uzum_trans_id() -> str:
    return f"0b8e6a2c-{next(_uzum_ids):04x}-4f00-9a1b-5c6d7e8f9a0b"


def som(tiyin: int) -> str:
    return f"{tiyin // 100}.{tiyin % 100:02d}"


def click_sign(fields: dict, secret: str = CLICK_SECRET) -> str:
    parts = [fields["click_trans_id"], fields["service_id"], secret, fields["merchant_trans_id"]]
    if str(fields["action"]) == "1":
        parts.append(str(fields.get("merchant_prepare_id", "")))
    parts += [fields["amount"], str(fields["action"]), fields["sign_time"]]
    return hashlib.md5("".join(str(p) for p in parts).encode()).hexdigest()


class ClickClient:
    """Posts form-encoded Prepare/Complete callbacks with a correct MD5 signature."""

    def __init__(self, secret: str = CLICK_SECRET, service_id: str = CLICK_SERVICE, client=None):
        self.secret, self.service_id = secret, service_id
        self.client = client or Client()

    def fields(self, *, action, trans_id, invoice, amount, prepare_id=None, error=0, **overrides) -> dict:
        fields = {
            "click_trans_id": str(trans_id),
            "service_id": self.service_id,
            "click_paydoc_id": str(trans_id + 1000),
            "merchant_trans_id": str(invoice),
            "amount": amount,
            "action": str(action),
            "error": str(error),
            "error_note": "Success" if error == 0 else "Cancelled",
            "sign_time": "2026-12-01 10:00:00",
        }
        if prepare_id is not None:
            fields["merchant_prepare_id"] = str(prepare_id)
        fields.update(overrides)
        if "sign_string" not in overrides:
            fields["sign_string"] = click_sign(fields, self.secret)
        return fields

    def post(self, path: str, fields: dict):
        response = self.client.post(f"/api/v1/payments/click/{path}", data=fields)
        assert response.status_code == 200, response.content
        return response.json()

    def prepare(self, *, trans_id, invoice, amount, **kw) -> dict:
        return self.post(
            "prepare", self.fields(action=0, trans_id=trans_id, invoice=invoice, amount=amount, **kw)
        )

    def complete(self, *, trans_id, invoice, amount, prepare_id, error=0, **kw) -> dict:
        fields = self.fields(
            action=1,
            trans_id=trans_id,
            invoice=invoice,
            amount=amount,
            prepare_id=prepare_id,
            error=error,
            **kw,
        )
        return self.post("complete", fields)


class UzumClient:
    """Posts JSON webhooks with Basic auth, as Uzum Bank does."""

    def __init__(self, login=UZUM_LOGIN, password=UZUM_PASSWORD, service_id=UZUM_SERVICE, client=None):
        token = base64.b64encode(f"{login}:{password}".encode()).decode()
        self.headers = {"Authorization": f"Basic {token}"}
        self.service_id = int(service_id)
        self.client = client or Client()

    def raw(self, action: str, body, *, headers=None, method="post"):
        data = body if isinstance(body, (bytes, str)) else json.dumps(body)
        return self.client.generic(
            method.upper(),
            f"/api/v1/payments/uzum/{action}",
            data,
            content_type="application/json",
            headers=headers if headers is not None else self.headers,
        )

    def call(self, action: str, **fields) -> tuple[int, dict]:
        body = {"serviceId": self.service_id, "timestamp": 1764583200000, **fields}
        response = self.raw(action, body)
        return response.status_code, response.json()

    def check(self, invoice) -> tuple[int, dict]:
        return self.call("check", params={"account": str(invoice)})

    def create(self, trans_id, invoice, amount) -> tuple[int, dict]:
        return self.call("create", transId=trans_id, params={"account": str(invoice)}, amount=amount)

    def confirm(self, trans_id) -> tuple[int, dict]:
        return self.call("confirm", transId=trans_id, paymentSource="UZCARD", tariff="base")

    def reverse(self, trans_id) -> tuple[int, dict]:
        return self.call("reverse", transId=trans_id)

    def status(self, trans_id) -> tuple[int, dict]:
        return self.call("status", transId=trans_id)

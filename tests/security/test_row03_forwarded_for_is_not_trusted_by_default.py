"""Row 3: with the default NINJA_NUM_PROXIES=0, X-Forwarded-For picked the client address (daphne
--proxy-headers copied its leftmost entry into the scope), so IP throttles, the Payme allowlist and
the audit IP could be forged."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import RequestFactory

from core.net import client_address
from modules.audit.context import client_ip
from modules.payments.payme.protocol import client_address as payme_address

ROOT = Path(__file__).resolve().parents[2]


def request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/api/v1/auth/login", **extra)


def test_row03_forwarded_for_is_not_trusted_by_default(settings):
    settings.NINJA_NUM_PROXIES = 0
    forged = request("203.0.113.9", "185.234.217.1")  # a Payme address, claimed by the client
    for rule in (client_address, client_ip, payme_address):
        assert rule(forged) == "203.0.113.9"


@pytest.mark.parametrize(("proxies", "expected"), [(1, "198.51.100.7"), (2, "192.0.2.1")])
def test_row03_behind_proxies_the_rightmost_hops_count(settings, proxies, expected):
    settings.NINJA_NUM_PROXIES = proxies
    # the client wrote "1.2.3.4"; proxy 1 appended what it saw (192.0.2.1), proxy 2 appended 198.51.100.7
    forged = request("10.0.0.2", "1.2.3.4, 192.0.2.1, 198.51.100.7")
    for rule in (client_address, client_ip, payme_address):
        assert rule(forged) == expected


def test_row03_garbage_is_no_address(settings):
    settings.NINJA_NUM_PROXIES = 1
    assert client_address(request("10.0.0.2", "not-an-ip")) is None


def test_row03_daphne_never_parses_proxy_headers_itself():
    """daphne's --proxy-headers takes the LEFTMOST X-Forwarded-For entry: the client's own."""
    for name in ("Procfile", "Dockerfile", "compose.yaml"):
        text = (ROOT / name).read_text()
        assert "daphne" in text
        assert "--proxy-headers" not in text.replace("# No --proxy-headers", ""), name
    assert "NINJA_NUM_PROXIES: ${NINJA_NUM_PROXIES:-0}" in (ROOT / "compose.yaml").read_text()


@pytest.mark.django_db
def test_row03_rotating_forwarded_for_does_not_escape_the_login_throttle(api, settings):
    settings.NINJA_NUM_PROXIES = 0
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "login_ip": "3/min", "login_account": "100/min"}
    codes = [
        api()
        .post(
            "/auth/login",
            {"login": f"nobody{i}@example.uz", "password": "x"},
            headers={"X-Forwarded-For": f"10.9.8.{i}"},
        )
        .status_code
        for i in range(5)
    ]
    assert codes == [401, 401, 401, 429, 429]

"""Throttles on Redis: one atomic script per request, the same sliding window as Ninja's."""

from __future__ import annotations

import threading
from types import SimpleNamespace
from unittest import mock

import pytest
import redis
from django.conf import settings

from core.throttling import IpThrottle

pytestmark = pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL")


def _request(ip: str):
    return SimpleNamespace(META={"REMOTE_ADDR": ip}, auth=None, user=None)


def _throttle(rate: str, clock: list[float] | None = None):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "login_ip": rate}
    throttle = IpThrottle("login_ip")
    if clock is not None:
        throttle.timer = lambda: clock[0]
    return throttle


def test_the_window_admits_the_rate_then_refuses_until_the_oldest_request_ages_out(settings):
    clock = [1_000_000.0]
    throttle = _throttle("3/min", clock)
    request = _request("10.0.0.1")
    for step in range(3):
        clock[0] += step
        assert throttle.allow_request(request)
    clock[0] = 1_000_010.0
    assert not throttle.allow_request(request)
    assert throttle.wait() == pytest.approx(50.0)  # the first request leaves the window at +60 s
    assert throttle.allow_request(_request("10.0.0.2"))  # another client has its own window
    clock[0] = 1_000_060.0
    assert throttle.allow_request(request)  # the first one aged out


def test_one_round_trip_per_request(settings):
    throttle = _throttle("100/min")
    request = _request("10.0.0.3")
    assert throttle.allow_request(request)  # loads the script once
    with mock.patch.object(
        redis.Redis, "execute_command", autospec=True, side_effect=redis.Redis.execute_command
    ) as calls:
        assert throttle.allow_request(request)
    assert calls.call_count == 1


def test_processes_racing_cannot_exceed_the_limit(settings):
    _throttle("50/min")
    admitted = []
    lock = threading.Lock()

    def client():
        throttle = IpThrottle("login_ip")
        for _ in range(10):
            allowed = throttle.allow_request(_request("10.0.0.4"))
            with lock:
                admitted.append(allowed)

    threads = [threading.Thread(target=client) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(admitted) == 80
    assert sum(admitted) == 50

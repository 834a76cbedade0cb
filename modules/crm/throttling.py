"""Limits of the public enquiry form, on core.throttling's mechanism (state in the cache, which is
Redis in production, so limits hold across processes). Per client address and per phone: a bot
rotating phones meets the first, a flood of one number from many addresses the second. Rates come
from settings.THROTTLE_RATES when set there, else the defaults below."""

from __future__ import annotations

import json

from django.conf import settings

from core.throttling import IpThrottle, ScopedThrottle
from modules.accounts.phones import InvalidPhone, normalize_phone

DEFAULT_RATES = {"public_lead_ip": "10/hour", "public_lead_phone": "3/hour"}


class _Defaulted:
    def _current_rate(self) -> str:
        return getattr(settings, "THROTTLE_RATES", {}).get(self.scope, DEFAULT_RATES[self.scope])


class PublicLeadIpThrottle(_Defaulted, IpThrottle):
    def __init__(self):
        super().__init__("public_lead_ip")


class PublicLeadPhoneThrottle(_Defaulted, ScopedThrottle):
    """Keys on the phone in E.164, so "90 123 45 67" and "+998901234567" share one limit."""

    def __init__(self):
        super().__init__("public_lead_phone")

    def ident_for(self, request) -> str | None:
        try:
            raw = json.loads(request.body or b"{}").get("phone")
            return normalize_phone(raw)
        except (ValueError, AttributeError, InvalidPhone):
            return None  # malformed: the form's validation answers it

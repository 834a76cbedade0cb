"""The orjson renderer writes what Django's JSON encoder wrote (the contract's one time format)."""

from __future__ import annotations

import datetime
import decimal
import json
import uuid

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext_lazy as _

from core.renderers import dumps


def test_values_come_out_as_djangos_encoder_writes_them():
    data = {
        "at": datetime.datetime(2026, 12, 2, 3, 4, 5, 678901, tzinfo=datetime.UTC),
        "day": datetime.date(2026, 1, 2),
        "time": datetime.time(15, 0, 0, 250000),
        "price": decimal.Decimal("1.50"),
        "detail": _("Invoice not found."),
        "id": uuid.UUID(int=1),
        7: ["nested", {"at": datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)}],
    }
    ours = json.loads(dumps(data))
    assert ours == json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    assert ours["at"] == "2026-12-02T03:04:05.678Z" and ours["7"][1]["at"] == "2026-01-01T00:00:00Z"


def test_api_responses_go_through_it(api, admin):
    response = api(admin).client.get("/api/v1/center", headers=api(admin).headers)
    assert response.status_code == 200
    # byte for byte what orjson writes (the json module would have written ", " and ": ")
    assert response.content == dumps(json.loads(response.content))

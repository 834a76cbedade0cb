from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from modules.audit.models import AuditLog
from tests.page_queries import queries_for_one_and_many

pytestmark = pytest.mark.django_db


def make_entries(admin, teacher):
    return [
        AuditLog.objects.create(actor=admin, action="create", object_type="accounts.user", object_id="7"),
        AuditLog.objects.create(actor=admin, action="update", object_type="accounts.user", object_id="7"),
        AuditLog.objects.create(
            actor=teacher, action="lesson.cancelled", object_type="lessons.lesson", object_id="3"
        ),
    ]


@pytest.mark.parametrize("persona", ["teacher", "student", "parent", "outsider"])
def test_only_admins_read_the_log(api, request, persona, admin):
    entry = AuditLog.objects.create(actor=admin, action="create", object_type="accounts.user", object_id="1")
    client = api(request.getfixturevalue(persona))
    assert client.get("/audit-logs").status_code == 403
    assert client.get(f"/audit-logs/{entry.pk}").status_code == 403
    assert api().get("/audit-logs").status_code == 401


def test_list_is_newest_first_with_actor(api, admin, teacher):
    created = make_entries(admin, teacher)
    r = api(admin).get("/audit-logs")
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 3
    assert [e["id"] for e in body["items"]] == [e.pk for e in reversed(created)]
    assert body["items"][0]["actor"] == {
        "id": teacher.pk,
        "first_name": "Tom",
        "last_name": "Teacher",
        "role": "teacher",
    }
    assert body["items"][0]["action"] == "lesson.cancelled"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"action": "update"}, [1]),
        ({"object_type": "accounts.user"}, [1, 0]),
        ({"object_type": "accounts.user", "object_id": "7"}, [1, 0]),
        ({"object_id": "3"}, [2]),
        ({"action": "nothing"}, []),
    ],
)
def test_filters(api, admin, teacher, params, expected):
    created = make_entries(admin, teacher)
    r = api(admin).get("/audit-logs", params)
    assert [e["id"] for e in r.json()["items"]] == [created[i].pk for i in expected]


def test_filter_by_actor(api, admin, teacher):
    created = make_entries(admin, teacher)
    r = api(admin).get("/audit-logs", {"actor": teacher.pk})
    assert [e["id"] for e in r.json()["items"]] == [created[2].pk]


def test_date_range_filters(api, admin, teacher):
    make_entries(admin, teacher)
    today = timezone.localdate()
    client = api(admin)
    assert client.get("/audit-logs", {"date_from": str(today), "date_to": str(today)}).json()["count"] == 3
    assert client.get("/audit-logs", {"date_to": str(today - timedelta(days=1))}).json()["count"] == 0
    assert client.get("/audit-logs", {"date_from": str(today + timedelta(days=1))}).json()["count"] == 0
    later = (timezone.now() + timedelta(minutes=5)).isoformat()
    assert client.get("/audit-logs", {"date_to": later}).json()["count"] == 3
    assert client.get("/audit-logs", {"date_from": later}).json()["count"] == 0


@pytest.mark.parametrize("params", [{"date_from": "yesterday"}, {"date_to": "2026-13-01"}, {"actor": "me"}])
def test_bad_filters_are_422(api, admin, params):
    r = api(admin).get("/audit-logs", params)
    assert r.status_code == 422
    assert r.json()["code"] == "validation_error"


def test_get_one_entry(api, admin, teacher):
    entry = make_entries(admin, teacher)[0]
    r = api(admin).get(f"/audit-logs/{entry.pk}")
    assert r.status_code == 200
    assert r.json()["object_type"] == "accounts.user"
    assert api(admin).get("/audit-logs/999999").status_code == 404


def test_no_write_operations_exist(api, admin, teacher):
    entry = make_entries(admin, teacher)[0]
    client = api(admin)
    for method in ("put", "patch", "delete"):
        r = getattr(client, method)(f"/audit-logs/{entry.pk}")
        assert r.status_code == 405, method
    assert client.post("/audit-logs", {"action": "create"}).status_code == 405
    assert AuditLog.objects.count() == 3


def test_list_runs_constant_queries(api, admin, teacher):
    for i in range(30):
        AuditLog.objects.create(
            actor=admin if i % 2 else teacher, action="update", object_type="x.y", object_id=str(i)
        )
    client = api(admin)
    one, many = queries_for_one_and_many(lambda limit: client.get("/audit-logs", {"limit": limit}))
    assert one == many

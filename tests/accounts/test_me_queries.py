"""`GET /auth/me` reuses the user authentication loaded: one query for everyone, two for a parent
(their linked students)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext


def test_me_runs_only_the_authentication_query(api, student):
    client = api(student)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/auth/me")
    assert response.status_code == 200
    assert response.json()["id"] == student.pk
    assert response.json()["children"] is None
    assert len(ctx.captured_queries) == 1, [q["sql"] for q in ctx.captured_queries]


def test_me_for_a_parent_adds_one_query_for_the_children(api, parent, student):
    client = api(parent)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/auth/me")
    assert response.status_code == 200
    assert [c["id"] for c in response.json()["children"]] == [student.pk]
    assert len(ctx.captured_queries) == 2, [q["sql"] for q in ctx.captured_queries]

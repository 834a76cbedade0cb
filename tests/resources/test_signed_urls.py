"""Signed links to materials: they work without a Bearer header until they expire, cannot be
altered, honour byte ranges (audio seeking), and are only in answers to users who may see the file."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories.accounts import TeacherFactory
from tests.resources.conftest import pdf_bytes, upload, wav_bytes


@pytest.fixture
def nine(time_machine):
    time_machine.move_to("2026-10-01T09:00:10Z", tick=False)
    return time_machine


@pytest.fixture
def pdf(api, teacher, lesson, nine):
    r = api(teacher).upload(
        "/resources", {"title": "Unit 1", "file": upload("unit1.pdf", pdf_bytes()), "lesson_id": lesson.pk}
    )
    assert r.status_code == 201, r.content
    return r.json()


def anonymous_get(url: str, **headers):
    return Client().get(url, headers=headers)


def test_the_link_works_without_a_bearer_header(pdf):
    assert pdf["url"].startswith("/api/v1/files/")
    # five minutes, rounded up to the minute: links of one minute are one URL (the browser caches)
    assert pdf["url_expires_at"] == "2026-10-01T09:06:00Z"
    r = anonymous_get(pdf["url"])
    assert r.status_code == 200
    assert b"".join(r.streaming_content) == pdf_bytes()
    assert r["Content-Type"] == "application/pdf"
    assert r["Content-Disposition"] == 'attachment; filename="unit1.pdf"'
    assert r["X-Content-Type-Options"] == "nosniff" and r["Accept-Ranges"] == "bytes"


def test_the_link_dies_when_it_expires(pdf, nine):
    nine.move_to("2026-10-01T09:05:59Z", tick=False)
    assert anonymous_get(pdf["url"]).status_code == 200
    nine.move_to("2026-10-01T09:06:00Z", tick=False)
    r = anonymous_get(pdf["url"])
    assert (r.status_code, r.json()["code"]) == (403, "link_expired")


@pytest.mark.parametrize(
    "tamper", [lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"), lambda t: "x" + t, lambda t: "e30:abc:def"]
)
def test_an_altered_link_is_refused(pdf, tamper):
    token = pdf["url"].removeprefix("/api/v1/files/")
    r = anonymous_get("/api/v1/files/" + tamper(token))
    assert r.status_code == 403
    assert r.json() == {"detail": "This file link is not valid.", "code": "invalid_signature"}


def test_a_deleted_material_is_404(api, teacher, pdf, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the file goes after the commit
        assert api(teacher).delete(f"/resources/{pdf['id']}").status_code == 204
    r = anonymous_get(pdf["url"])
    assert (r.status_code, r.json()["code"]) == (404, "not_found")


def test_byte_ranges_for_audio_seeking(api, teacher, group, nine):
    audio = wav_bytes(seconds=1.0)
    body = (
        api(teacher)
        .upload("/resources", {"title": "Listen", "file": upload("l.wav", audio), "group_id": group.pk})
        .json()
    )
    r = anonymous_get(body["url"], Range="bytes=4-11")
    assert r.status_code == 206
    assert r["Content-Range"] == f"bytes 4-11/{len(audio)}" and r["Content-Length"] == "8"
    assert b"".join(r.streaming_content) == audio[4:12]
    tail = anonymous_get(body["url"], Range="bytes=-4")
    assert b"".join(tail.streaming_content) == audio[-4:]
    beyond = anonymous_get(body["url"], Range=f"bytes={len(audio)}-")
    assert beyond.status_code == 416 and beyond["Content-Range"] == f"bytes */{len(audio)}"


def test_links_are_only_given_to_users_who_may_see_the_material(api, student, parent, outsider, pdf):
    for user in (student, parent):
        assert api(user).get(f"/resources/{pdf['id']}").json()["url"].startswith("/api/v1/files/")
        assert [item["id"] for item in api(user).get("/resources").json()["items"]] == [pdf["id"]]
    for stranger in (outsider, TeacherFactory()):
        assert api(stranger).get(f"/resources/{pdf['id']}").status_code == 404
        assert api(stranger).get("/resources").json()["items"] == []


def test_on_s3_the_link_is_presigned_by_the_bucket(api, student, pdf, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "markaz-test",
                "endpoint_url": "http://127.0.0.1:9",
                "access_key": "test",
                "secret_key": "test-secret",
                "region_name": "us-east-1",
                "querystring_auth": True,
                "querystring_expire": 300,
            },
        },
    }
    body = api(student).get(f"/resources/{pdf['id']}").json()
    assert body["url"].startswith("http://127.0.0.1:9/markaz-test/resources/")
    assert "Expires=1790845560" in body["url"]  # the rounded expiry, 09:06:00 UTC
    assert "response-content-disposition=attachment" in body["url"] and "Signature=" in body["url"]
    assert body["url_expires_at"] == "2026-10-01T09:06:00Z"

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from modules.resources.models import Resource
from tests.factories.accounts import StudentFactory, TeacherFactory, link_parent
from tests.factories.courses import CourseFactory, MembershipFactory
from tests.resources.conftest import pdf_bytes, png_bytes, upload, wav_bytes


def post(api, user, target: dict, f, title="Unit 1"):
    return api(user).upload("/resources", {"title": title, "file": f, **target})


def content(resp) -> bytes:
    return b"".join(resp.streaming_content)


def test_teacher_uploads_a_pdf_to_a_lesson_and_students_download_it(
    api, teacher, student, parent, lesson, media_root
):
    resp = post(api, teacher, {"lesson_id": lesson.pk}, upload("unit1.pdf", pdf_bytes(), "application/pdf"))
    assert resp.status_code == 201, resp.content
    data = resp.json()
    assert (data["kind"], data["extension"], data["content_type"]) == ("document", "pdf", "application/pdf")
    assert (
        data["size"] == len(pdf_bytes())
        and data["lesson_id"] == lesson.pk
        and data["uploaded_by_id"] == teacher.pk
    )
    stored = Resource.objects.get(pk=data["id"]).file.name
    assert "unit1" not in stored and stored.endswith(".pdf")  # random, unguessable name
    for user in (student, parent, teacher):
        dl = api(user).get(data["download_url"])
        assert dl.status_code == 200
        assert content(dl) == pdf_bytes()
        assert 'attachment; filename="unit1.pdf"' in dl["Content-Disposition"]
        assert dl["Content-Type"] == "application/pdf"


def test_audio_gets_its_duration(api, teacher, group):
    resp = post(api, teacher, {"group_id": group.pk}, upload("listening.wav", wav_bytes(seconds=2.5)))
    assert resp.status_code == 201, resp.content
    assert resp.json()["kind"] == "audio"
    assert resp.json()["duration_seconds"] == pytest.approx(2.5, abs=0.01)


def test_pdf_that_is_really_a_png_is_refused(api, teacher, lesson, media_root):
    resp = post(api, teacher, {"lesson_id": lesson.pk}, upload("notes.pdf", png_bytes(), "application/pdf"))
    assert resp.status_code == 415
    assert resp.json()["code"] == "file_type_mismatch"
    assert not Resource.objects.exists()
    assert not any(p.is_file() for p in media_root.rglob("*")) if media_root.exists() else True


def test_unknown_content_is_415(api, teacher, lesson):
    resp = post(api, teacher, {"lesson_id": lesson.pk}, upload("setup.exe", b"MZ\x90\x00" + b"\0" * 100))
    assert (resp.status_code, resp.json()["code"]) == (415, "unsupported_media_type")


def test_size_limit_from_settings_is_413(api, teacher, lesson):
    from modules.center.selectors import get_system_settings, invalidate_system_settings

    s = get_system_settings()
    type(s).objects.filter(pk=s.pk).update(max_upload_mb=1)
    invalidate_system_settings()
    big = upload("big.txt", b"a" * (1024 * 1024 + 1))
    resp = post(api, teacher, {"lesson_id": lesson.pk}, big)
    assert (resp.status_code, resp.json()["code"]) == (413, "payload_too_large")
    ok = upload("small.txt", b"a" * (1024 * 1024))
    assert post(api, teacher, {"lesson_id": lesson.pk}, ok).status_code == 201


def test_exactly_one_target(api, admin, lesson, group):
    f = upload("a.pdf", pdf_bytes())
    assert post(api, admin, {"lesson_id": lesson.pk, "group_id": group.pk}, f).status_code == 422
    assert post(api, admin, {}, upload("a.pdf", pdf_bytes())).status_code == 422


def test_upload_permissions(api, admin, teacher, student, parent, outsider, lesson, group, other_group):
    course = group.course
    f = lambda: upload("a.pdf", pdf_bytes())  # noqa: E731
    assert post(api, teacher, {"course_id": course.pk}, f()).status_code == 403  # courses: admins
    assert post(api, admin, {"course_id": course.pk}, f()).status_code == 201
    assert post(api, teacher, {"group_id": other_group.pk}, f()).status_code == 404
    assert post(api, student, {"lesson_id": lesson.pk}, f()).status_code == 403
    assert post(api, parent, {"group_id": group.pk}, f()).status_code == 403
    assert post(api, outsider, {"lesson_id": lesson.pk}, f()).status_code == 404
    assert post(api, admin, {"course_id": CourseFactory().pk}, f()).status_code == 201
    assert api().upload("/resources", {"title": "x", "file": f(), "lesson_id": lesson.pk}).status_code == 401


@pytest.fixture
def materials(api, admin, teacher, lesson, group):
    ids = {}
    ids["lesson"] = post(api, teacher, {"lesson_id": lesson.pk}, upload("l.pdf", pdf_bytes())).json()["id"]
    ids["group"] = post(api, teacher, {"group_id": group.pk}, upload("g.png", png_bytes())).json()["id"]
    ids["course"] = post(api, admin, {"course_id": group.course_id}, upload("c.txt", b"words")).json()["id"]
    return ids


def test_download_authorization_per_persona(api, admin, teacher, student, parent, outsider, materials):
    stranger_parent = StudentFactory()  # a student of another group, and a parent of that student
    from tests.factories.accounts import ParentFactory

    other_parent = ParentFactory()
    link_parent(other_parent, stranger_parent)
    for rid in materials.values():
        for user, code in (
            (admin, 200),
            (teacher, 200),
            (student, 200),
            (parent, 200),
            (outsider, 404),
            (other_parent, 404),
            (TeacherFactory(), 404),
        ):
            assert api(user).get(f"/resources/{rid}/download").status_code == code, (user.role, rid)
            assert api(user).get(f"/resources/{rid}").status_code == code
        assert api().get(f"/resources/{rid}/download").status_code == 401


def test_list_filters_and_visibility(api, admin, student, outsider, materials, lesson, group):
    data = api(student).get("/resources").json()
    assert data["count"] == 3
    assert [i["id"] for i in api(student).get("/resources", {"lesson_id": lesson.pk}).json()["items"]] == [
        materials["lesson"]
    ]
    assert api(student).get("/resources", {"kind": "image"}).json()["count"] == 1
    assert api(admin).get("/resources", {"search": "unit"}).json()["count"] == 3
    assert api(outsider).get("/resources").json()["count"] == 0


def test_list_query_count_is_constant(api, admin, teacher, group):
    for i in range(3):
        post(api, teacher, {"group_id": group.pk}, upload(f"{i}.pdf", pdf_bytes()))
    counts = []
    for limit in (1, 3):
        with CaptureQueriesContext(connection) as ctx:
            assert len(api(teacher).get("/resources", {"limit": limit}).json()["items"]) == limit
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_update_and_delete(api, admin, teacher, student, materials, media_root, run_on_commit):
    rid = materials["lesson"]
    assert api(student).patch(f"/resources/{rid}", {"title": "x"}).status_code == 403
    resp = api(teacher).patch(f"/resources/{rid}", {"title": "Unit 1, part 2"})
    assert (resp.status_code, resp.json()["title"]) == (200, "Unit 1, part 2")
    assert api(teacher).delete(f"/resources/{materials['course']}").status_code == 403  # course: admins
    name = Resource.objects.get(pk=rid).file.name
    assert (media_root / name).exists()
    with run_on_commit():
        assert api(teacher).delete(f"/resources/{rid}").status_code == 204
    assert not Resource.objects.filter(pk=rid).exists()
    assert not (media_root / name).exists()
    assert api(student).delete(f"/resources/{materials['group']}").status_code == 403


def test_teacher_who_left_the_group_loses_access(api, teacher, materials, group):
    newcomer = TeacherFactory()
    type(group).objects.filter(pk=group.pk).update(teacher=newcomer)
    # lessons keep their own teacher (a lesson given by `teacher`): lesson material stays visible to them
    assert api(teacher).get(f"/resources/{materials['group']}").status_code == 404
    assert api(newcomer).get(f"/resources/{materials['group']}").status_code == 200


def test_s3_storage_redirects_to_a_signed_url(api, student, materials, settings):
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
    resp = api(student).get(f"/resources/{materials['lesson']}/download")
    assert resp.status_code == 302
    location = resp["Location"]
    assert location.startswith("http://127.0.0.1:9/markaz-test/resources/")
    assert "Signature" in location or "X-Amz-Signature" in location
    assert "Expires=" in location or "X-Amz-Expires=300" in location


def test_member_of_course_sees_course_material_only_through_a_group(api, materials, group):
    other_student = StudentFactory()
    assert api(other_student).get(f"/resources/{materials['course']}").status_code == 404
    MembershipFactory(group=group, student=other_student)
    assert api(other_student).get(f"/resources/{materials['course']}").status_code == 200


@pytest.mark.parametrize(
    ("persona", "code"),
    [("admin", 200), ("teacher", 200), ("student", 403), ("parent", 403), ("outsider", 404)],
)
def test_change_material_per_persona(api, request, persona, code, materials):
    user = request.getfixturevalue(persona)
    rid = materials["group"]
    assert api(user).patch(f"/resources/{rid}", {"description": "x"}).status_code == code
    assert api(user).delete(f"/resources/{rid}").status_code == (204 if code == 200 else code)
    assert api().delete(f"/resources/{rid}").status_code == 401

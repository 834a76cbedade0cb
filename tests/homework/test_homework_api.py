"""Homework CRUD and listing, per persona."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from modules.homework.models import Homework
from tests.factories.accounts import TeacherFactory
from tests.factories.homework import HomeworkFactory, SubmissionFactory
from tests.factories.lessons import LessonFactory
from tests.page_queries import queries_for_one_and_many


def payload(group, **extra):
    return {
        "group_id": group.pk,
        "title": "Read the text",
        "kind": "audio",
        "due_at": (timezone.now() + timedelta(days=2)).isoformat(),
        "max_score": 10,
        "reference_text": "Men kitob o'qiyman",
        **extra,
    }


def test_teacher_creates_homework_and_assigned_is_sent_once(api, teacher, group, received):
    lesson = LessonFactory(group=group)
    response = api(teacher).post("/homework", payload(group, lesson_id=lesson.pk, instructions="Aloud"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert (
        body["group_id"] == group.pk and body["group_name"] == group.name and body["lesson_id"] == lesson.pk
    )
    assert body["kind"] == "audio" and body["max_score"] == 10 and body["created_by_id"] == teacher.pk
    assert len(received["homework_assigned"]) == 1
    assert received["homework_assigned"][0]["homework"].pk == body["id"]
    assert received["homework_assigned"][0]["actor"] == teacher


def test_admin_creates_for_any_group(api, admin, group):
    assert api(admin).post("/homework", payload(group)).status_code == 201


@pytest.mark.parametrize("persona", ["student", "parent"])
def test_students_and_parents_cannot_create(api, request, group, persona):
    response = api(request.getfixturevalue(persona)).post("/homework", payload(group))
    assert response.status_code == 403


def test_other_teacher_and_outsider_get_404(api, outsider, group):
    assert api(outsider).post("/homework", payload(group)).status_code == 404
    assert api(TeacherFactory()).post("/homework", payload(group)).status_code == 404


def test_create_validation(api, teacher, group):
    past = (timezone.now() - timedelta(hours=1)).isoformat()
    response = api(teacher).post("/homework", payload(group, due_at=past))
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "due_at"]
    other_lesson = LessonFactory()
    response = api(teacher).post("/homework", payload(group, lesson_id=other_lesson.pk))
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "lesson_id"]
    assert api(teacher).post("/homework", payload(group, kind="video")).status_code == 422
    assert api(teacher).post("/homework", payload(group, max_score=0)).status_code == 422
    assert not Homework.objects.exists()


def test_visibility_per_persona(api, admin, teacher, student, parent, outsider, text_homework):
    url = f"/homework/{text_homework.pk}"
    for user in (admin, teacher, student, parent):
        response = api(user).get(url)
        assert response.status_code == 200 and response.json()["id"] == text_homework.pk
        assert api(user).get("/homework").json()["count"] == 1
        assert api(user).get(f"/groups/{text_homework.group_id}/homework").json()["count"] == 1
    for user in (outsider, TeacherFactory()):
        assert api(user).get(url).status_code == 404
        assert api(user).get("/homework").json()["count"] == 0
        assert api(user).get(f"/groups/{text_homework.group_id}/homework").status_code == 404
    assert api().get(url).status_code == 401


def test_list_filters(api, teacher, group):
    soon = HomeworkFactory(
        group=group, kind="audio", title="Soon", due_at=timezone.now() + timedelta(hours=5)
    )
    HomeworkFactory(group=group, kind="text", title="Later", due_at=timezone.now() + timedelta(days=5))
    HomeworkFactory(kind="text")  # another teacher's group
    client = api(teacher)
    assert client.get("/homework", {"group": group.pk}).json()["count"] == 2
    assert [h["id"] for h in client.get("/homework", {"kind": "audio"}).json()["items"]] == [soon.pk]
    due_to = (timezone.now() + timedelta(days=1)).isoformat()
    assert [h["id"] for h in client.get("/homework", {"due_to": due_to}).json()["items"]] == [soon.pk]
    assert [h["title"] for h in client.get("/homework", {"search": "lat"}).json()["items"]] == ["Later"]


def test_list_runs_constant_queries(api, admin, group):
    client = api(admin)
    HomeworkFactory(group=group)
    HomeworkFactory.create_batch(5)
    assert client.get("/homework", {"limit": 100}).json()["count"] == 6
    one, many = queries_for_one_and_many(lambda limit: client.get("/homework", {"limit": limit}))
    assert one == many


def test_update_by_teacher_and_forbidden_for_others(api, teacher, student, parent, outsider, text_homework):
    url = f"/homework/{text_homework.pk}"
    response = api(teacher).patch(url, {"title": "New title", "max_score": 20, "accepts_late": True})
    assert response.status_code == 200
    assert response.json()["title"] == "New title" and response.json()["max_score"] == 20
    assert response.json()["accepts_late"] is True
    assert api(student).patch(url, {"title": "x"}).status_code == 403
    assert api(parent).patch(url, {"title": "x"}).status_code == 403
    assert api(outsider).patch(url, {"title": "x"}).status_code == 404


def test_moving_the_deadline_later_rearms_reminders(api, admin, text_homework, student):
    from modules.homework.models import DeadlineReminder

    DeadlineReminder.objects.create(homework=text_homework, student=student, kind="due_24h")
    later = (text_homework.due_at + timedelta(days=1)).isoformat()
    assert api(admin).patch(f"/homework/{text_homework.pk}", {"due_at": later}).status_code == 200
    assert not DeadlineReminder.objects.exists()


def test_delete_only_without_submissions(api, teacher, student, text_homework):
    url = f"/homework/{text_homework.pk}"
    SubmissionFactory(homework=text_homework, student=student)
    response = api(teacher).delete(url)
    assert response.status_code == 409 and response.json()["code"] == "homework_has_submissions"
    assert api(student).delete(url).status_code == 403
    fresh = HomeworkFactory(group=text_homework.group)
    assert api(teacher).delete(f"/homework/{fresh.pk}").status_code == 204
    assert not Homework.objects.filter(pk=fresh.pk).exists()


def _resource(**target):
    from django.core.files.base import ContentFile

    from modules.resources.models import Resource

    resource = Resource(
        title="Text", kind="document", content_type="text/plain", extension="txt", size=5, **target
    )
    resource.file.save("text.txt", ContentFile(b"hello"), save=False)
    resource.save()
    return resource


def test_attach_resources_of_the_group_lesson_or_course(api, teacher, student, group):
    lesson = LessonFactory(group=group)
    mine = [_resource(group=group), _resource(lesson=lesson), _resource(course=group.course)]
    foreign = _resource(group=HomeworkFactory().group)
    ids = [r.pk for r in mine]
    response = api(teacher).post("/homework", payload(group, resource_ids=ids))
    assert response.status_code == 201, response.content
    body = response.json()
    assert sorted(r["id"] for r in body["resources"]) == sorted(ids)
    assert body["resources"][0]["download_url"].startswith("/api/v1/resources/")
    seen = api(student).get(f"/homework/{body['id']}").json()
    assert len(seen["resources"]) == 3
    response = api(teacher).post("/homework", payload(group, resource_ids=[foreign.pk]))
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "resource_ids"]
    patched = api(teacher).patch(f"/homework/{body['id']}", {"resource_ids": [ids[0]]}).json()
    assert [r["id"] for r in patched["resources"]] == [ids[0]]

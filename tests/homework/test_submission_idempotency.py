"""A submission retried with its Idempotency-Key (multipart): the same fields and file bytes are
the same request, whatever boundary the client drew; other bytes under the key are a 409."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from modules.homework.models import Submission
from tests.factories.homework import HomeworkFactory


def essay(content: bytes = b"Mening oilam katta.") -> SimpleUploadedFile:
    return SimpleUploadedFile("essay.txt", content, content_type="text/plain")


def submit(api, student, homework, upload, key="essay-attempt-1"):
    return api(student).upload(
        f"/homework/{homework.pk}/submissions", {"file": upload}, headers={"Idempotency-Key": key}
    )


def test_a_retried_upload_is_one_submission(api, student, group):
    homework = HomeworkFactory(group=group, kind="file", reference_text="")
    first = submit(api, student, homework, essay())
    again = submit(api, student, homework, essay())
    assert first.status_code == again.status_code == 201, first.content
    assert again["Idempotent-Replayed"] == "true" and again.json()["id"] == first.json()["id"]
    assert Submission.objects.filter(homework=homework, student=student).count() == 1


def test_other_bytes_under_the_key_are_a_409_and_a_new_key_a_new_attempt(api, student, group):
    homework = HomeworkFactory(group=group, kind="file", reference_text="")
    submit(api, student, homework, essay())
    reused = submit(api, student, homework, essay(b"Mening oilam kichik."))
    assert reused.status_code == 409 and reused.json()["code"] == "idempotency_key_reused"
    second = submit(api, student, homework, essay(b"Mening oilam kichik."), key="essay-attempt-2")
    assert second.status_code == 201 and second.json()["attempt"] == 2

"""Submitting, late and resubmission rules, reading, reviewing: per persona."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from modules.center.selectors import get_system_settings
from modules.homework.models import Submission
from tests.factories.accounts import ParentFactory, StudentFactory, TeacherFactory, link_parent
from tests.factories.courses import MembershipFactory
from tests.factories.homework import HomeworkFactory, HomeworkTranscriptFactory, SubmissionFactory, wav_upload
from tests.homework.conftest import REFERENCE
from tests.page_queries import queries_for_one_and_many


def submit(api, user, homework, **data):
    return api(user).upload(f"/homework/{homework.pk}/submissions", data)


def test_text_answer_is_scored_at_once(api, student, text_homework, published, received):
    response = submit(api, student, text_homework, text="Men har kuni o'qiyman")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "scored" and body["score"] == 8.0 and body["auto_score"] == 8.0
    assert body["max_score"] == 10 and body["attempt"] == 1 and body["is_late"] is False
    assert body["diff"]["missing"] == [{"word": "kitob", "position": 3}]
    assert body["transcript"] is None and body["audio_url"] is None
    assert [e["data"]["status"] for e in published] == ["submitted", "scored"]
    assert len(received["homework_scored"]) == 1


def test_text_homework_needs_text(api, student, text_homework):
    response = submit(api, student, text_homework, text="   ")
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "text"]


def test_file_answer_waits_for_the_teacher_and_downloads(api, teacher, student, parent, outsider, group):
    homework = HomeworkFactory(group=group, kind="file", reference_text="")
    upload = SimpleUploadedFile("essay.txt", b"Mening oilam katta.", content_type="text/plain")
    response = submit(api, student, homework, file=upload)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "submitted" and body["needs_manual_review"] is True
    assert body["file_name"] == "essay.txt" and body["file_url"] == f"/api/v1/submissions/{body['id']}/file"
    for user in (teacher, student, parent):
        download = api(user).get(body["file_url"])
        assert download.status_code == 200 and b"".join(download.streaming_content) == b"Mening oilam katta."
    assert api(outsider).get(body["file_url"]).status_code == 404
    assert api(student).get(f"/submissions/{body['id']}/audio").status_code == 404


def test_file_of_a_refused_type_is_415(api, student, group):
    homework = HomeworkFactory(group=group, kind="file")
    exe = SimpleUploadedFile("essay.pdf", b"MZ\x90\x00" + b"\x00" * 200)
    assert submit(api, student, homework, file=exe).status_code == 415


def test_audio_download_for_the_teacher(api, teacher, student, audio_homework, settings):
    settings.OPENAI_API_KEY = ""
    body = submit(api, student, audio_homework, audio=wav_upload(1.0)).json()
    download = api(teacher).get(body["audio_url"])
    assert download.status_code == 200 and b"".join(download.streaming_content)[:4] == b"RIFF"
    assert body["audio_seconds"] == 1.0


@pytest.mark.parametrize("persona", ["teacher", "parent", "admin"])
def test_only_students_submit(api, request, text_homework, persona):
    assert submit(api, request.getfixturevalue(persona), text_homework, text=REFERENCE).status_code == 403


def test_outsider_gets_404_and_former_member_403(api, outsider, text_homework):
    assert submit(api, outsider, text_homework, text=REFERENCE).status_code == 404
    former = StudentFactory()
    MembershipFactory(group=text_homework.group, student=former, status="left", left_on=timezone.localdate())
    response = submit(api, former, text_homework, text=REFERENCE)
    assert response.status_code == 403 and response.json()["code"] == "not_group_member"


def test_late_submission_refused_unless_accepted(api, student, group):
    closed = HomeworkFactory(group=group, due_at=timezone.now() - timedelta(minutes=1))
    response = submit(api, student, closed, text=REFERENCE)
    assert response.status_code == 409 and response.json()["code"] == "deadline_passed"
    open_late = HomeworkFactory(group=group, due_at=timezone.now() - timedelta(minutes=1), accepts_late=True)
    response = submit(api, student, open_late, text=REFERENCE)
    assert response.status_code == 201 and response.json()["is_late"] is True


def test_resubmission_until_reviewed(api, teacher, student, text_homework):
    first = submit(api, student, text_homework, text="Men").json()
    second = submit(api, student, text_homework, text=REFERENCE)
    assert second.status_code == 201 and second.json()["attempt"] == 2 and second.json()["score"] == 10.0
    assert Submission.objects.get(pk=first["id"]).is_current is False
    listing = api(teacher).get(f"/homework/{text_homework.pk}/submissions").json()
    assert [s["id"] for s in listing["items"]] == [second.json()["id"]]
    everything = api(teacher).get(f"/homework/{text_homework.pk}/submissions", {"all_attempts": True}).json()
    assert everything["count"] == 2
    api(teacher).post(f"/submissions/{second.json()['id']}/review", {"score": 9, "feedback": "Good"})
    third = submit(api, student, text_homework, text=REFERENCE)
    assert third.status_code == 409 and third.json()["code"] == "already_reviewed"


def test_resubmission_can_be_turned_off(api, student, text_homework):
    row = get_system_settings()
    row.homework_resubmission_allowed = False
    row.save()
    assert submit(api, student, text_homework, text="Men").status_code == 201
    response = submit(api, student, text_homework, text=REFERENCE)
    assert response.status_code == 409 and response.json()["code"] == "resubmission_disabled"


def test_no_resubmission_after_the_deadline(api, student, group):
    homework = HomeworkFactory(group=group, accepts_late=True)
    assert submit(api, student, homework, text="Men").status_code == 201
    homework.due_at = timezone.now() - timedelta(minutes=5)
    homework.save()
    response = submit(api, student, homework, text=REFERENCE)
    assert response.status_code == 409 and response.json()["code"] == "resubmission_closed"


def test_get_submission_per_persona(api, admin, teacher, student, parent, outsider, text_homework):
    submission = SubmissionFactory(homework=text_homework, student=student, status="scored", score=7)
    HomeworkTranscriptFactory(submission=submission)
    url = f"/submissions/{submission.pk}"
    for user in (admin, teacher, student, parent):
        body = api(user).get(url).json()
        assert (
            body["id"] == submission.pk and body["score"] == 7.0 and body["transcript"]["text"] == REFERENCE
        )
        assert set(body) >= {"id", "status", "score", "max_score", "transcript", "diff", "feedback"}
    other_parent = ParentFactory()
    link_parent(other_parent, StudentFactory())
    for user in (outsider, TeacherFactory(), other_parent):
        assert api(user).get(url).status_code == 404


def test_submission_lists_per_persona(api, admin, teacher, student, parent, outsider, text_homework):
    classmate = StudentFactory()
    MembershipFactory(group=text_homework.group, student=classmate)
    mine = SubmissionFactory(homework=text_homework, student=student)
    theirs = SubmissionFactory(homework=text_homework, student=classmate)
    url = f"/homework/{text_homework.pk}/submissions"
    assert {s["id"] for s in api(teacher).get(url).json()["items"]} == {mine.pk, theirs.pk}
    assert {s["id"] for s in api(admin).get(url).json()["items"]} == {mine.pk, theirs.pk}
    assert [s["id"] for s in api(student).get(url).json()["items"]] == [mine.pk]
    assert [s["id"] for s in api(parent).get(url).json()["items"]] == [mine.pk]
    assert api(outsider).get(url).status_code == 404


def test_student_history_per_persona(api, admin, teacher, student, parent, outsider, text_homework):
    mine = SubmissionFactory(homework=text_homework, student=student)
    elsewhere = SubmissionFactory(homework=HomeworkFactory(), student=student)  # another teacher's group
    MembershipFactory(group=elsewhere.homework.group, student=student)
    url = f"/students/{student.pk}/submissions"
    assert {s["id"] for s in api(student).get(url).json()["items"]} == {mine.pk, elsewhere.pk}
    assert {s["id"] for s in api(parent).get(url).json()["items"]} == {mine.pk, elsewhere.pk}
    assert {s["id"] for s in api(admin).get(url).json()["items"]} == {mine.pk, elsewhere.pk}
    assert [s["id"] for s in api(teacher).get(url).json()["items"]] == [mine.pk]
    assert api(outsider).get(url).status_code == 404
    assert api(TeacherFactory()).get(url).status_code == 404


def test_submission_list_runs_constant_queries(api, teacher, text_homework):
    def add():
        s = StudentFactory()
        MembershipFactory(group=text_homework.group, student=s)
        sub = SubmissionFactory(homework=text_homework, student=s, status="scored")
        HomeworkTranscriptFactory(submission=sub)

    add()
    client = api(teacher)
    for _ in range(5):
        add()
    url = f"/homework/{text_homework.pk}/submissions"
    assert client.get(url, {"limit": 100}).json()["count"] == 6
    one, many = queries_for_one_and_many(lambda limit: client.get(url, {"limit": limit}))
    assert one == many
    with CaptureQueriesContext(connection) as queue:
        assert client.get("/submissions/review-queue", {"limit": 100}).json()["count"] == 6
    assert len(queue) <= one


def test_review_per_persona_and_signal(
    api, admin, teacher, student, parent, outsider, text_homework, published, received
):
    body = submit(api, student, text_homework, text="Men har kuni o'qiyman").json()
    url = f"/submissions/{body['id']}/review"
    assert api(student).post(url, {"score": 10}).status_code == 403
    assert api(parent).post(url, {"score": 10}).status_code == 403
    assert api(outsider).post(url, {"score": 10}).status_code == 404
    assert api(TeacherFactory()).post(url, {"score": 10}).status_code == 404
    response = api(teacher).post(url, {"score": 9.5, "feedback": "Kitob so'zini unutdingiz."})
    assert response.status_code == 200, response.content
    reviewed = response.json()
    assert reviewed["status"] == "reviewed" and reviewed["score"] == 9.5 and reviewed["auto_score"] == 8.0
    assert reviewed["feedback"] == "Kitob so'zini unutdingiz." and reviewed["reviewed_by_id"] == teacher.pk
    assert published[-1]["data"]["status"] == "reviewed" and published[-1]["channel"] == f"user:{student.pk}"
    assert len(received["homework_reviewed"]) == 1
    first = received["homework_reviewed"][0]
    assert (
        first["previous_score"] is None and first["actor"] == teacher and first["submission"].pk == body["id"]
    )
    # a second review (admin lowers it) carries the previous score
    assert api(admin).post(url, {"score": 6}).status_code == 200
    assert received["homework_reviewed"][1]["previous_score"] == pytest.approx(9.5)


def test_review_validation(api, teacher, student, text_homework):
    body = submit(api, student, text_homework, text=REFERENCE).json()
    url = f"/submissions/{body['id']}/review"
    assert api(teacher).post(url, {"score": 11}).status_code == 422
    assert api(teacher).post(url, {"score": -1}).status_code == 422
    transcribing = SubmissionFactory(
        homework=HomeworkFactory(group=text_homework.group), student=student, status="transcribing"
    )
    response = api(teacher).post(f"/submissions/{transcribing.pk}/review", {"score": 5})
    assert response.status_code == 409 and response.json()["code"] == "transcribing"


def test_review_queue(api, admin, teacher, student, parent, text_homework):
    scored = SubmissionFactory(homework=text_homework, student=student, status="scored")
    other = StudentFactory()
    MembershipFactory(group=text_homework.group, student=other)
    SubmissionFactory(homework=text_homework, student=other, status="transcribing")
    SubmissionFactory(homework=HomeworkFactory(), status="scored")  # another teacher's
    assert [s["id"] for s in api(teacher).get("/submissions/review-queue").json()["items"]] == [scored.pk]
    assert api(admin).get("/submissions/review-queue").json()["count"] == 2
    assert api(student).get("/submissions/review-queue").status_code == 403
    assert api(parent).get("/submissions/review-queue").status_code == 403
    api(teacher).post(f"/submissions/{scored.pk}/review", {"score": 5})
    assert api(teacher).get("/submissions/review-queue").json()["count"] == 0


def test_signed_links_play_the_recording_without_a_bearer_header(
    api, teacher, student, parent, outsider, audio_homework, settings, time_machine
):
    settings.OPENAI_API_KEY = ""
    time_machine.move_to("2026-10-01T09:00:00Z", tick=False)
    body = submit(api, student, audio_homework, audio=wav_upload(1.0)).json()
    assert body["file_signed_url"] is None and body["url_expires_at"] == "2026-10-01T09:05:00Z"
    for user in (teacher, parent):
        seen = api(user).get(f"/submissions/{body['id']}").json()
        assert seen["audio_signed_url"] == body["audio_signed_url"]  # the same minute, the same URL
    assert api(outsider).get(f"/submissions/{body['id']}").status_code == 404
    played = Client().get(body["audio_signed_url"], headers={"Range": "bytes=0-3"})
    assert played.status_code == 206 and b"".join(played.streaming_content) == b"RIFF"
    assert played["Content-Type"] == "audio/wav"
    assert played["Content-Disposition"] == f'attachment; filename="submission-{body["id"]}.wav"'
    time_machine.move_to("2026-10-01T09:05:00Z", tick=False)
    assert Client().get(body["audio_signed_url"]).json()["code"] == "link_expired"


def test_signed_link_to_a_file_answer_keeps_the_sniffed_type(api, student, group):
    homework = HomeworkFactory(group=group, kind="file", reference_text="")
    upload = SimpleUploadedFile("essay.html", b"Mening oilam katta.", content_type="text/html")
    body = submit(api, student, homework, file=upload).json()
    download = Client().get(body["file_signed_url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"Mening oilam katta."
    assert download["Content-Type"].startswith("text/plain")  # never served as a page
    assert body["audio_signed_url"] is None

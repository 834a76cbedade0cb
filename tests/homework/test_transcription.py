"""The pipeline against a real local OpenAI-compatible server, called by the real openai client."""

from __future__ import annotations

import json

import pytest
from werkzeug import Response

from modules.homework.models import Submission
from modules.homework.tasks import transcribe_submission
from tests.factories.homework import HomeworkFactory, wav_upload
from tests.homework.conftest import REFERENCE, transcription_json, verbose_json

PATH = "/v1/audio/transcriptions"


def submit_audio(api, student, homework, run_on_commit, **upload_kwargs):
    with run_on_commit():
        response = api(student).upload(
            f"/homework/{homework.pk}/submissions", {"audio": wav_upload(**upload_kwargs)}
        )
    assert response.status_code == 201, response.content
    return Submission.objects.get(pk=response.json()["id"])


def capture(requests: list, body: str, status: int = 200):
    def handler(request):
        requests.append(
            {
                "form": dict(request.form),
                "files": {k: f.filename for k, f in request.files.items()},
                "auth": request.headers.get("Authorization"),
            }
        )
        return Response(body, status=status, content_type="application/json")

    return handler


def test_verbose_json_success_stores_transcript_and_scores(
    api, student, audio_homework, openai_server, run_on_commit, published, received
):
    requests: list = []
    openai_server.expect_ordered_request(PATH, method="POST").respond_with_handler(
        capture(requests, verbose_json(REFERENCE, duration=1.0))
    )
    submission = submit_audio(api, student, audio_homework, run_on_commit)

    submission.refresh_from_db()
    assert submission.status == "scored"
    assert float(submission.score) == 10.0 and submission.wer == 0.0
    transcript = submission.transcript
    assert transcript.text == REFERENCE and transcript.language == "uzbek" and transcript.duration == 1.0
    assert transcript.attempts == 1 and transcript.model == "whisper-1"
    assert transcript.segments[0]["text"] == REFERENCE and len(transcript.words) == 5
    sent = requests[0]
    assert sent["form"]["model"] == "whisper-1" and sent["form"]["response_format"] == "verbose_json"
    assert sent["form"]["language"] == "uz"  # the course's language
    assert sent["files"]["file"].endswith(".wav") and sent["auth"] == "Bearer sk-test-local"
    statuses = [e["data"]["status"] for e in published]
    assert statuses == ["submitted", "transcribing", "transcribed", "scored"]
    assert all(e["channel"] == f"user:{student.pk}" and e["type"] == "homework.updated" for e in published)
    assert published[-1]["data"]["diff"] == {"missing": [], "extra": [], "substituted": []}
    assert len(received["homework_scored"]) == 1
    assert received["homework_scored"][0]["submission"].pk == submission.pk


def test_json_format_for_gpt4o_models_and_one_missing_word(
    api, student, audio_homework, openai_server, settings, run_on_commit
):
    settings.TRANSCRIPTION_MODEL = "gpt-4o-mini-transcribe"
    requests: list = []
    openai_server.expect_ordered_request(PATH, method="POST").respond_with_handler(
        capture(requests, transcription_json("Men har kuni o'qiyman"))
    )
    submission = submit_audio(api, student, audio_homework, run_on_commit, seconds=2.0)

    assert requests[0]["form"]["response_format"] == "json"
    body = api(student).get(f"/submissions/{submission.pk}").json()
    assert body["status"] == "scored" and body["score"] == 8.0 and body["max_score"] == 10
    assert body["diff"]["missing"] == [{"word": "kitob", "position": 3}]
    assert body["transcript"]["text"] == "Men har kuni o'qiyman"
    assert body["transcript"]["duration"] == 2.0  # json has no duration: the upload's own


def test_rate_limited_then_success_is_retried(api, student, audio_homework, openai_server, run_on_commit):
    openai_server.expect_ordered_request(PATH, method="POST").respond_with_json(
        {"error": {"message": "Rate limit reached", "type": "requests", "code": "rate_limit_exceeded"}},
        status=429,
    )
    openai_server.expect_ordered_request(PATH, method="POST").respond_with_data(
        verbose_json(), content_type="application/json"
    )
    submission = submit_audio(api, student, audio_homework, run_on_commit)

    submission.refresh_from_db()
    assert submission.status == "scored"
    assert submission.transcript.attempts == 2
    log = submission.transcript.attempt_log
    assert log[0]["transient"] is True and "429" in log[0]["error"] and "error" not in log[1]
    openai_server.check_assertions()


def test_server_errors_three_times_fail_the_submission(
    api, student, audio_homework, openai_server, run_on_commit, published
):
    for _ in range(3):
        openai_server.expect_ordered_request(PATH, method="POST").respond_with_json(
            {"error": {"message": "The server had an error", "type": "server_error"}}, status=500
        )
    submission = submit_audio(api, student, audio_homework, run_on_commit)

    submission.refresh_from_db()
    assert submission.status == "failed"
    assert "HTTP 500" in submission.failure_reason and "server had an error" in submission.failure_reason
    assert submission.transcript.attempts == 3 and len(openai_server.log) == 3
    assert submission.needs_manual_review
    assert published[-1]["data"]["status"] == "failed"
    # it shows in the teacher's queue
    queue = api(audio_homework.group.teacher).get("/submissions/review-queue").json()
    assert [item["id"] for item in queue["items"]] == [submission.pk]


def test_bad_request_is_permanent(api, student, audio_homework, openai_server, run_on_commit):
    openai_server.expect_ordered_request(PATH, method="POST").respond_with_json(
        {"error": {"message": "Invalid file format.", "type": "invalid_request_error"}}, status=400
    )
    submission = submit_audio(api, student, audio_homework, run_on_commit)

    submission.refresh_from_db()
    assert submission.status == "failed" and submission.transcript.attempts == 1
    assert (
        submission.failure_reason
        == "The transcription service rejected the audio (HTTP 400: Invalid file format.)."
    )
    assert len(openai_server.log) == 1


def test_wrong_key_is_permanent(api, student, audio_homework, openai_server, run_on_commit):
    openai_server.expect_ordered_request(PATH, method="POST").respond_with_json(
        {"error": {"message": "Incorrect API key provided", "type": "invalid_request_error"}}, status=401
    )
    submission = submit_audio(api, student, audio_homework, run_on_commit)
    submission.refresh_from_db()
    assert submission.status == "failed" and "refused our API key" in submission.failure_reason


def test_unreachable_server_is_transient_then_fails(
    api, student, audio_homework, settings, no_backoff, run_on_commit
):
    settings.OPENAI_API_KEY = "sk-test"
    settings.OPENAI_BASE_URL = "http://127.0.0.1:9/v1"  # discard port: connection refused
    submission = submit_audio(api, student, audio_homework, run_on_commit)
    submission.refresh_from_db()
    assert submission.status == "failed" and submission.transcript.attempts == 3
    assert submission.failure_reason == "Could not reach the transcription service."


def test_without_a_key_it_goes_to_manual_review(
    api, student, audio_homework, settings, run_on_commit, httpserver
):
    settings.OPENAI_API_KEY = ""
    settings.OPENAI_BASE_URL = httpserver.url_for("/v1")
    submission = submit_audio(api, student, audio_homework, run_on_commit)

    body = api(student).get(f"/submissions/{submission.pk}").json()
    assert body["status"] == "submitted" and body["needs_manual_review"] is True
    assert "not configured" in body["manual_review_reason"]
    assert httpserver.log == []
    queue = api(audio_homework.group.teacher).get("/submissions/review-queue").json()
    assert [item["id"] for item in queue["items"]] == [submission.pk]


def test_a_transcribed_submission_is_never_sent_again(
    api, student, audio_homework, openai_server, run_on_commit
):
    openai_server.expect_ordered_request(PATH, method="POST").respond_with_data(
        verbose_json(), content_type="application/json"
    )
    submission = submit_audio(api, student, audio_homework, run_on_commit)
    assert transcribe_submission(submission.pk) == "skipped"
    assert len(openai_server.log) == 1
    submission.refresh_from_db()
    assert submission.transcript.attempts == 1


def test_retry_endpoint_resends_a_failed_submission(
    api, admin, teacher, student, parent, outsider, audio_homework, openai_server, run_on_commit
):
    openai_server.expect_ordered_request(PATH, method="POST").respond_with_json(
        {"error": {"message": "bad"}}, status=400
    )
    openai_server.expect_ordered_request(PATH, method="POST").respond_with_data(
        verbose_json(), content_type="application/json"
    )
    submission = submit_audio(api, student, audio_homework, run_on_commit)
    url = f"/submissions/{submission.pk}/retry"
    assert api(student).post(url).status_code == 403
    assert api(parent).post(url).status_code == 403
    assert api(outsider).post(url).status_code == 404
    from tests.factories.accounts import TeacherFactory

    assert api(TeacherFactory()).post(url).status_code == 404
    with run_on_commit():
        response = api(teacher).post(url)
    assert response.status_code == 202, response.content
    submission.refresh_from_db()
    assert submission.status == "scored" and submission.failure_reason == ""
    assert submission.transcript.attempts == 2
    # once transcribed, it is never retried
    again = api(admin).post(url)
    assert again.status_code == 409 and again.json()["code"] == "not_retryable"


@pytest.mark.parametrize("status", [429, 503])
def test_transient_status_codes_are_retried_up_to_three_times(
    status, api, student, audio_homework, openai_server, run_on_commit
):
    openai_server.expect_request(PATH, method="POST").respond_with_data(
        json.dumps({"error": {"message": "busy"}}), status=status, content_type="application/json"
    )
    submission = submit_audio(api, student, audio_homework, run_on_commit)
    submission.refresh_from_db()
    assert submission.status == "failed" and len(openai_server.log) == 3


def test_an_abandoned_transcribing_submission_is_claimed_again(
    api, student, audio_homework, openai_server, settings, run_on_commit
):
    from datetime import timedelta

    from django.utils import timezone

    settings.OPENAI_API_KEY = ""
    submission = submit_audio(api, student, audio_homework, run_on_commit)  # parked: no key
    settings.OPENAI_API_KEY = "sk-test-local"
    openai_server.expect_request(PATH, method="POST").respond_with_data(
        verbose_json(), content_type="application/json"
    )
    Submission.objects.filter(pk=submission.pk).update(
        status="transcribing",
        needs_manual_review=False,
        status_changed_at=timezone.now() - timedelta(minutes=1),
    )
    assert transcribe_submission(submission.pk) == "skipped"  # a worker may still be on it
    Submission.objects.filter(pk=submission.pk).update(status_changed_at=timezone.now() - timedelta(hours=1))
    assert transcribe_submission(submission.pk) == "scored"
    assert len(openai_server.log) == 1


def test_admin_retry_action_calls_the_service(
    admin, student, audio_homework, openai_server, client, run_on_commit
):
    from tests.factories.homework import SubmissionFactory

    failed = SubmissionFactory(homework=audio_homework, student=student, status="failed", audio_format="wav")
    from django.core.files.base import ContentFile

    from tests.factories.homework import wav_bytes

    failed.audio.save("a.wav", ContentFile(wav_bytes(1.0)))
    done = SubmissionFactory(
        homework=HomeworkFactory(group=audio_homework.group), student=student, status="scored"
    )
    openai_server.expect_request(PATH, method="POST").respond_with_data(
        verbose_json(), content_type="application/json"
    )
    client.force_login(admin)
    with run_on_commit():
        response = client.post(
            "/admin/homework/submission/",
            {"action": "retry_transcription", "_selected_action": [failed.pk, done.pk]},
            follow=True,
        )
    assert response.status_code == 200
    failed.refresh_from_db()
    assert failed.status == "scored"
    assert Submission.objects.get(pk=done.pk).status == "scored"
    messages = [str(m) for m in response.context["messages"]]
    assert any("1 submission queued" in m for m in messages)
    assert any(f"#{done.pk}" in m for m in messages)

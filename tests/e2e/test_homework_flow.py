"""End to end, the way production runs (daphne + qcluster processes, PostgreSQL in autocommit, Redis):
a student uploads an audio answer over HTTP (multipart) → the worker sends it to an OpenAI-compatible
server (a local fake on 127.0.0.1) and scores the transcript → the teacher reviews it → the student's
socket hears every `homework.updated` and the API shows the reviewed submission."""

from __future__ import annotations

import json

import pytest

from tests.e2e.harness import eventually, next_event, open_socket
from tests.factories.homework import wav_bytes
from tests.homework.conftest import REFERENCE, verbose_json

pytestmark = pytest.mark.e2e

TRANSCRIPTIONS = "/v1/audio/transcriptions"


@pytest.fixture
def audio_homework(transactional_db, teacher, student):
    from modules.courses.models import Course
    from tests.factories.courses import CourseFactory, make_group_with_students
    from tests.factories.homework import HomeworkFactory

    group = make_group_with_students(teacher, [student], course=CourseFactory(language=Course.Language.UZ))
    return HomeworkFactory(group=group, kind="audio", reference_text=REFERENCE, max_score=10)


async def events_until(socket, status: str) -> list[dict]:
    """`homework.updated` frames up to the first one whose submission has `status`."""
    seen = []
    while not seen or seen[-1]["data"]["status"] != status:
        seen.append(await next_event(socket, type="homework.updated", timeout=30))
    return seen


async def test_audio_is_transcribed_by_the_worker_then_reviewed(
    daphne_server, qcluster_worker, live_api, providers, audio_homework, teacher, student
):
    providers.expect_request(TRANSCRIPTIONS, method="POST").respond_with_data(
        verbose_json(REFERENCE, duration=1.0), content_type="application/json"
    )
    student_api = live_api(student)
    socket, _ = await open_socket(daphne_server, student_api)

    upload = await student_api.post(
        f"/homework/{audio_homework.pk}/submissions",
        files={"audio": ("answer.wav", wav_bytes(1.0), "audio/wav")},
    )
    assert upload.status_code == 201, upload.text
    submission_id = upload.json()["id"]
    assert upload.json()["status"] in ("submitted", "transcribing", "transcribed", "scored")

    scored = await events_until(socket, "scored")
    assert all(e["channel"] == f"user:{student.pk}" and e["data"]["id"] == submission_id for e in scored)
    assert scored[-1]["data"]["score"] == 10.0
    assert scored[-1]["data"]["transcript"]["text"] == REFERENCE
    [call] = [request for request, _ in providers.log if request.path == TRANSCRIPTIONS]
    assert call.form["model"] == "whisper-1" and call.form["language"] == "uz"
    assert call.headers["Authorization"] == "Bearer sk-e2e-local"

    review = await live_api(teacher).post(
        f"/submissions/{submission_id}/review", json={"score": 8, "feedback": "Watch the vowels."}
    )
    assert review.status_code == 200, review.text

    [reviewed] = await events_until(socket, "reviewed")
    assert (reviewed["data"]["score"], reviewed["data"]["feedback"]) == (8.0, "Watch the vowels.")

    async def reviewed_in_the_api():
        body = (await student_api.get(f"/submissions/{submission_id}")).json()
        return body if body["status"] == "reviewed" else None

    body = await eventually(reviewed_in_the_api, what="the reviewed submission")
    assert (body["score"], body["auto_score"], body["feedback"]) == (8.0, 10.0, "Watch the vowels.")
    assert body["reviewed_by_id"] == teacher.pk
    assert body["diff"] == {"missing": [], "extra": [], "substituted": []}
    await socket.send(json.dumps({"action": "ping"}))
    assert await next_event(socket, type="pong") == {"type": "pong"}
    await socket.close()

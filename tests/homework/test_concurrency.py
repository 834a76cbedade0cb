"""Two workers running the same transcription at once: the row lock lets one send it, once."""

from __future__ import annotations

import threading
import time

import pytest
from django.core.files.base import ContentFile
from django.db import connection, connections
from werkzeug import Response

from modules.homework.models import Submission
from modules.homework.tasks import transcribe_submission
from tests.factories.homework import SubmissionFactory, wav_bytes
from tests.homework.conftest import verbose_json

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_concurrent_tasks_send_the_recording_once(openai_server, audio_homework, student):
    submission = SubmissionFactory(homework=audio_homework, student=student, text="", audio_format="wav")
    submission.audio.save("a.wav", ContentFile(wav_bytes(1.0)))

    def slow(request):
        time.sleep(0.3)  # the provider takes a while: the second worker arrives meanwhile
        return Response(verbose_json(), content_type="application/json")

    openai_server.expect_request("/v1/audio/transcriptions", method="POST").respond_with_handler(slow)
    results: list[str] = []

    def work():
        try:
            results.append(transcribe_submission(submission.pk))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results) == ["scored", "skipped"]
    assert len(openai_server.log) == 1
    assert Submission.objects.get(pk=submission.pk).transcript.attempts == 1

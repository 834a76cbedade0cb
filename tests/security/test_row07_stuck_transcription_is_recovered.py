# ruff: noqa: F811  (fixtures imported from tests/homework/conftest.py are used as arguments)
"""Row 7: a worker killed mid-transcription left the submission `transcribing` forever: the broker
redelivered at 180 s but a claim went stale only at 10 min, so the retry was skipped and nothing
looked again; review and retry both answered 409."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.utils import timezone

from modules.homework.jobs import JOBS
from modules.homework.models import Submission
from modules.homework.services import submissions_requeue_stuck
from modules.homework.services.state import stale_after
from modules.homework.tasks import transcribe_submission
from tests.factories.homework import SubmissionFactory, wav_bytes
from tests.homework.conftest import (  # noqa: F401  (fixtures)
    audio_homework,
    group,
    no_backoff,
    openai_server,
    verbose_json,
)

pytestmark = pytest.mark.django_db
PATH = "/v1/audio/transcriptions"


@pytest.fixture
def stuck(audio_homework, student, openai_server):
    """Claimed by a worker that died just past the task timeout, before the broker's redelivery."""
    openai_server.expect_request(PATH, method="POST").respond_with_data(
        verbose_json(), content_type="application/json"
    )
    submission = SubmissionFactory(
        homework=audio_homework, student=student, status="transcribing", audio_format="wav"
    )
    submission.audio.save("a.wav", ContentFile(wav_bytes(1.0)))
    died_at = timezone.now() - timedelta(seconds=django_settings.Q_CLUSTER["timeout"] + 31)
    Submission.objects.filter(pk=submission.pk).update(status_changed_at=died_at)
    return submission


def test_row07_claims_expire_between_the_task_timeout_and_the_redelivery():
    q = django_settings.Q_CLUSTER
    assert q["timeout"] < stale_after().total_seconds() < q["retry"]


def test_row07_stuck_transcription_is_recovered(stuck):
    """The broker's redelivery (at `retry`) now finds the dead claim expired and takes it over."""
    assert transcribe_submission(stuck.pk) == "scored"


def test_row07_the_sweeper_requeues_what_nobody_works_on(stuck, student, audio_homework, run_on_commit):
    from tests.factories.accounts import StudentFactory

    fresh = SubmissionFactory(
        homework=audio_homework, student=StudentFactory(), status="transcribing", audio_format="wav"
    )
    fresh.audio.save("b.wav", ContentFile(wav_bytes(1.0)))  # claimed a moment ago: a worker is on it
    with run_on_commit():
        assert submissions_requeue_stuck() == 1
    stuck.refresh_from_db()
    fresh.refresh_from_db()
    assert (stuck.status, fresh.status) == ("scored", "transcribing")
    assert "homework.requeue_stuck_transcriptions" in {s.name for s in JOBS}


def test_row07_teacher_can_retry_a_stuck_submission(api, teacher, stuck, run_on_commit):
    with run_on_commit():
        response = api(teacher).post(f"/submissions/{stuck.pk}/retry")
    assert response.status_code == 202, response.content
    stuck.refresh_from_db()
    assert stuck.status == "scored"


def test_row07_teacher_can_review_a_stuck_submission(api, teacher, stuck):
    response = api(teacher).post(
        f"/submissions/{stuck.pk}/review", {"score": 7, "feedback": "heard it myself"}
    )
    assert response.status_code == 200 and response.json()["status"] == "reviewed"
    # the dead worker's late answer (if it ever came) would now be dropped
    assert transcribe_submission(stuck.pk) == "skipped"

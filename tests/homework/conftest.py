"""A group taught by `teacher` with `student` in it, its homework, and a local OpenAI-compatible
server (pytest-httpserver) that the real openai client talks to."""

from __future__ import annotations

import json

import pytest

from modules.courses.models import Course
from modules.homework.services import pipeline
from tests.factories.courses import CourseFactory, make_group_with_students
from tests.factories.homework import HomeworkFactory

REFERENCE = "Men har kuni kitob o'qiyman"


@pytest.fixture
def group(teacher, student):
    return make_group_with_students(teacher, [student], course=CourseFactory(language=Course.Language.UZ))


@pytest.fixture
def text_homework(group):
    return HomeworkFactory(group=group, kind="text", reference_text=REFERENCE, max_score=10)


@pytest.fixture
def audio_homework(group):
    return HomeworkFactory(group=group, kind="audio", reference_text=REFERENCE, max_score=10)


@pytest.fixture
def no_backoff(monkeypatch):
    monkeypatch.setattr(pipeline, "BACKOFF_BASE_SECONDS", 0.0)


@pytest.fixture
def openai_server(httpserver, settings, no_backoff):
    """settings point the real client at the local server; tests add the answers they need."""
    settings.OPENAI_BASE_URL = httpserver.url_for("/v1")
    settings.OPENAI_API_KEY = "sk-test-local"
    settings.TRANSCRIPTION_MODEL = "whisper-1"
    return httpserver


def transcription_json(text: str = REFERENCE) -> str:
    return json.dumps({"text": text})


def verbose_json(text: str = REFERENCE, language: str = "uzbek", duration: float = 1.0) -> str:
    return json.dumps(
        {
            "task": "transcribe",
            "text": text,
            "language": language,
            "duration": duration,
            "segments": [
                {
                    "id": 0,
                    "seek": 0,
                    "start": 0.0,
                    "end": duration,
                    "text": text,
                    "tokens": [1, 2],
                    "temperature": 0.0,
                    "avg_logprob": -0.2,
                    "compression_ratio": 1.0,
                    "no_speech_prob": 0.01,
                }
            ],
            "words": [
                {"word": w, "start": 0.1 * i, "end": 0.1 * i + 0.1} for i, w in enumerate(text.split())
            ],
        }
    )


@pytest.fixture
def published(monkeypatch):
    """homework.updated envelopes, in order, as they are queued for sending."""
    from modules.homework import events

    sent: list[dict] = []
    original = events.publish_on_commit

    def record(**kwargs):
        envelope = original(**kwargs)
        sent.append(envelope)
        return envelope

    monkeypatch.setattr(events, "publish_on_commit", record)
    return sent


@pytest.fixture
def received():
    """Calls of the homework signals: received["homework_scored"] -> [kwargs, ...]."""
    from modules.homework import signals

    calls: dict[str, list[dict]] = {}
    receivers = []
    for name in ("homework_assigned", "homework_reviewed", "homework_scored", "homework_deadline"):

        def receiver(sender, _name=name, **kwargs):
            kwargs.pop("signal", None)
            calls.setdefault(_name, []).append(kwargs)

        getattr(signals, name).connect(receiver, weak=False)
        receivers.append((getattr(signals, name), receiver))
    yield calls
    for signal, receiver in receivers:
        signal.disconnect(receiver)

"""Factories for modules.homework, and audio made with the stdlib.

hw = HomeworkFactory(group=group, kind="audio", reference_text="Men kitob o'qiyman")
SubmissionFactory(homework=hw, student=student, status="scored", score=8)
upload = wav_upload(seconds=1.5)                 # a real WAV (silence), as a Django upload
"""

from __future__ import annotations

import io
import wave
from datetime import timedelta

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from modules.homework.models import Homework, HomeworkTranscript, Submission
from tests.factories.accounts import StudentFactory
from tests.factories.courses import GroupFactory


def wav_bytes(seconds: float = 1.0, rate: int = 8000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"\x00\x00" * int(seconds * rate))
    return buffer.getvalue()


def wav_upload(seconds: float = 1.0, name: str = "answer.wav", rate: int = 8000) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, wav_bytes(seconds, rate), content_type="audio/wav")


class HomeworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Homework

    group = factory.SubFactory(GroupFactory)
    title = factory.Sequence(lambda n: f"Reading {n}")
    instructions = "Read the text aloud."
    kind = Homework.Kind.TEXT
    reference_text = "Men har kuni kitob o'qiyman"
    due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    max_score = 10
    accepts_late = False
    created_by = factory.LazyAttribute(lambda o: o.group.teacher)


class SubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Submission

    homework = factory.SubFactory(HomeworkFactory)
    student = factory.SubFactory(StudentFactory)
    attempt = 1
    text = "Men har kuni kitob o'qiyman"
    submitted_at = factory.LazyFunction(timezone.now)
    status_changed_at = factory.LazyFunction(timezone.now)
    status = Submission.Status.SUBMITTED


class HomeworkTranscriptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HomeworkTranscript

    submission = factory.SubFactory(SubmissionFactory)
    text = "Men har kuni kitob o'qiyman"
    language = "uz"
    model = "whisper-1"
    attempts = 1
    transcribed_at = factory.LazyFunction(timezone.now)

"""Demo data: a reading homework with a reference text in the demo teacher's first group, and one
scored submission by the demo student (a short silent recording with a stored transcript)."""

from __future__ import annotations

import io
import wave
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from modules.accounts.models import User
from modules.courses.models import Group
from modules.courses.selectors import is_group_member
from modules.homework.models import Homework, HomeworkTranscript, Submission
from modules.homework.services import submission_score_auto

TITLE = "Reading: Toshkent"
REFERENCE = "Toshkent O'zbekistonning poytaxti. Shahar katta va chiroyli. Men har kuni kitob o'qiyman."
DEMO_TRANSCRIPT = "Toshkent O'zbekistonning poytaxti. Shahar katta va chiroyli. Men har kuni kitob o'qiman."


def _silent_wav(seconds: float = 2.0, rate: int = 8000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"\x00\x00" * int(seconds * rate))
    return buffer.getvalue()


def seed(stdout, *, students: int = 0) -> None:
    teacher = User.objects.filter(email="teacher@demo.markaz.uz").first()
    student = User.objects.filter(email="student@demo.markaz.uz").first()
    group = Group.objects.filter(teacher=teacher).order_by("id").first() if teacher else None
    if group is None or student is None:
        stdout.write("  skipped homework: no demo group taught by the demo teacher")
        return
    homework, created = Homework.objects.get_or_create(
        group=group,
        title=TITLE,
        defaults={
            "kind": Homework.Kind.AUDIO,
            "instructions": "Read the text aloud and upload the recording.",
            "reference_text": REFERENCE,
            "due_at": timezone.now() + timedelta(days=3),
            "max_score": 10,
            "created_by": teacher,
        },
    )
    if created:
        stdout.write(f"  created homework {TITLE!r} in {group}")
    if not is_group_member(student.pk, group.pk) or homework.submissions.filter(student=student).exists():
        return
    now = timezone.now()
    submission = Submission(
        homework=homework,
        student=student,
        submitted_at=now,
        status_changed_at=now,
        audio_format="wav",
        audio_seconds=2.0,
    )
    submission.audio.save("demo.wav", ContentFile(_silent_wav()), save=False)
    submission.status = Submission.Status.TRANSCRIBED
    submission.save()
    HomeworkTranscript.objects.create(
        submission=submission,
        text=DEMO_TRANSCRIPT,
        language="uz",
        duration=2.0,
        model="demo",
        attempts=1,
        transcribed_at=now,
    )
    submission_score_auto(submission=submission, answer=DEMO_TRANSCRIPT)
    stdout.write(f"  created a scored submission ({submission.score}/10) for {student.email}")

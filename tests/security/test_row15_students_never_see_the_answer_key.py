"""Row 15: students received the reference text (the answer key) of text homework; pasting it
scored full marks."""

from __future__ import annotations

import pytest

from tests.factories.courses import make_group_with_students
from tests.factories.homework import HomeworkFactory

pytestmark = pytest.mark.django_db

KEY = "The quick brown fox jumps over the lazy dog"


@pytest.fixture
def homework(teacher, student):
    group = make_group_with_students(teacher, [student])
    return {
        "text": HomeworkFactory(group=group, kind="text", reference_text=KEY),
        "audio": HomeworkFactory(group=group, kind="audio", reference_text="Read this passage aloud"),
    }


def test_row15_students_never_see_the_answer_key(api, homework, student, parent):
    text_id = homework["text"].pk
    for user in (student, parent):
        assert api(user).get(f"/homework/{text_id}").json()["reference_text"] == ""
        listed = {h["id"]: h for h in api(user).get("/homework").json()["items"]}
        assert listed[text_id]["reference_text"] == ""
        assert KEY not in api(user).get("/homework").content.decode()


def test_row15_staff_see_it_and_audio_passages_stay_readable(api, homework, teacher, admin, student):
    for user in (teacher, admin):
        assert api(user).get(f"/homework/{homework['text'].pk}").json()["reference_text"] == KEY
    # an audio homework's reference is what the student reads aloud
    passage = api(student).get(f"/homework/{homework['audio'].pk}").json()["reference_text"]
    assert passage == "Read this passage aloud"

from __future__ import annotations

import io

from modules.accounts import seed as accounts_seed
from modules.accounts.seed import demo_user
from modules.homework import seed as homework_seed
from modules.homework.models import Homework, Submission
from tests.factories.courses import make_group_with_students


def test_seed_makes_a_reading_homework_and_a_scored_submission_idempotently(db):
    accounts_seed.seed(io.StringIO())
    group = make_group_with_students(demo_user("teacher"), [demo_user("student")])
    out = io.StringIO()
    homework_seed.seed(out)
    homework_seed.seed(out)
    homework = Homework.objects.get(group=group)
    assert homework.kind == "audio" and homework.reference_text
    submission = Submission.objects.get(homework=homework)
    assert submission.status == "scored" and 0 < submission.score < 10
    assert submission.diff["substituted"][0]["got"] == "o'qiman"
    assert submission.transcript.text == homework_seed.DEMO_TRANSCRIPT


def test_seed_skips_without_a_demo_group(db):
    accounts_seed.seed(io.StringIO())
    out = io.StringIO()
    homework_seed.seed(out)
    assert "skipped homework" in out.getvalue() and not Homework.objects.exists()

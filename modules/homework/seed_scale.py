"""The scale demo's homework: four reading assignments per group on past lessons, with reviewed
submissions from most students. Loaded in bulk; idempotent."""

from __future__ import annotations

import random
from datetime import timedelta

from core.bulk import bulk
from modules.courses.seed_scale import scale_groups, scale_members
from modules.homework.models import Homework, Submission
from modules.lessons.seed_scale import past_lessons_by_group


def seed_scale(stdout, *, students: int) -> None:
    groups = scale_groups()
    if not groups or Homework.objects.filter(group__in=groups).exists():
        return
    rng = random.Random(11)
    lessons = past_lessons_by_group(groups)
    homework = bulk(
        Homework,
        [
            Homework(
                group=group,
                lesson=lesson,
                title=f"Reading {lesson.starts_at:%d %b}",
                kind=Homework.Kind.TEXT,
                reference_text="The quick brown fox jumps over the lazy dog",
                due_at=lesson.starts_at + timedelta(days=2),
                max_score=100,
                created_by_id=group.teacher_id,
            )
            for group in groups
            for lesson in lessons[group.pk][-12::3]  # four per group
        ],
    )
    members = scale_members(groups)
    submissions = [
        _reviewed(hw, sid, rng)
        for hw in homework
        for sid in members.get(hw.group_id, [])
        if rng.random() < 0.85
    ]
    stdout.write(f"  {len(bulk(Submission, submissions))} homework submissions")


def _reviewed(hw: Homework, student_id: int, rng: random.Random) -> Submission:
    score = rng.randint(40, 100)
    return Submission(
        homework=hw,
        student_id=student_id,
        text="The quick brown fox jumps over the dog",
        submitted_at=hw.due_at - timedelta(hours=rng.randint(1, 40)),
        status=Submission.Status.REVIEWED,
        score=score,
        auto_score=score,
        reviewed_by_id=hw.created_by_id,
        reviewed_at=hw.due_at,
    )

"""Coins earned from school events (called by receivers.py). Each function states what the source is
worth *now* and lets source_reconcile write the difference: first marks award, changes of mind
compensate, replays do nothing."""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from django.db.models import Sum

from modules.gamification.models import AttendanceMark, CoinTransaction, Reason
from modules.gamification.rules import (
    ATTENDED,
    attendance_coins,
    coin_rules,
    homework_on_time_coins,
    homework_score_coins,
    invoice_on_time_coins,
)
from modules.gamification.services import achievements
from modules.gamification.services.ledger import source_reconcile


@transaction.atomic
def attendance_apply(*, lesson, changes: list[dict], actor_id: int | None = None) -> None:
    rules = coin_rules()
    students = []
    for change in changes:
        student_id, after = change["student_id"], change.get("after")
        AttendanceMark.objects.update_or_create(
            lesson_id=lesson.pk,
            student_id=student_id,
            defaults={
                "group_id": lesson.group_id,
                "lesson_starts_at": lesson.starts_at,
                "status": after or "",
            },
        )
        source_reconcile(
            student_id=student_id,
            source_type="lesson",
            source_id=lesson.pk,
            reason=Reason.ATTENDANCE,
            desired=attendance_coins(after, rules),
            group_id=lesson.group_id,
            created_by_id=actor_id,
            note=f"lesson {lesson.pk}: {change.get('before') or 'unmarked'} → {after}",
        )
        students.append(student_id)
    for student_id in dict.fromkeys(students):
        streak_reconcile(student_id=student_id, group_id=lesson.group_id, rules=rules)


def _streak_bonuses(marks, length: int, bonus: int) -> dict[int, int]:
    """lesson id -> bonus for every lesson that completes a run of `length` attended lessons (absences
    break a run, excused lessons are skipped)."""
    run, out = 0, {}
    for lesson_id, status in marks:
        if status in ATTENDED:
            run += 1
            if bonus and run % length == 0:
                out[lesson_id] = bonus
        elif status != "excused":
            run = 0
    return out


@transaction.atomic
def streak_reconcile(*, student_id: int, group_id: int, rules: dict | None = None) -> None:
    """Recomputes the student's streak bonuses in the group from all their marks, so an edit of a past
    lesson grants or takes back exactly the bonuses it makes or breaks."""
    rules = rules or coin_rules()
    marks = (
        AttendanceMark.objects.filter(student_id=student_id, group_id=group_id)
        .order_by("lesson_starts_at", "lesson_id")
        .values_list("lesson_id", "status")
    )
    desired = _streak_bonuses(marks, int(rules["streak_length"]), int(rules["streak_bonus"]))
    given = defaultdict(
        int,
        CoinTransaction.objects.filter(
            student_id=student_id, group_id=group_id, reason=Reason.STREAK_BONUS, source_type="lesson"
        )
        .values("source_id")
        .annotate(total=Sum("amount"))
        .values_list("source_id", "total"),
    )
    for lesson_id in sorted(set(desired) | set(given)):
        if desired.get(lesson_id, 0) != given[lesson_id]:
            source_reconcile(
                student_id=student_id,
                source_type="lesson",
                source_id=lesson_id,
                reason=Reason.STREAK_BONUS,
                desired=desired.get(lesson_id, 0),
                group_id=group_id,
                note=f"{rules['streak_length']} lessons in a row",
            )
    if desired:
        achievements.on_streak(student_id=student_id, group_id=group_id)


def _submission_facts(submission) -> tuple[int, float | None, float | None, int | None, bool]:
    """(student id, score, max score, group id, on time) of a homework submission."""
    homework = submission.homework
    max_score = getattr(submission, "max_score", None) or getattr(homework, "max_score", None)
    if getattr(submission, "is_late", None) is not None:
        on_time = not submission.is_late
    else:
        submitted = getattr(submission, "submitted_at", None) or getattr(submission, "created_at", None)
        due = getattr(homework, "due_at", None)
        on_time = due is None or submitted is None or submitted <= due
    return submission.student_id, submission.score, max_score, homework.group_id, on_time


@transaction.atomic
def homework_apply(*, submission, actor_id: int | None = None) -> None:
    student_id, score, max_score, group_id, on_time = _submission_facts(submission)
    rules = coin_rules()
    # keyed by the homework, not the submission: a resubmission's review replaces the coins of the
    # earlier attempt instead of adding to them
    homework_id = submission.homework.pk
    common = {"student_id": student_id, "source_type": "homework", "source_id": homework_id}
    note = f"homework {homework_id}: score {score}/{max_score}"
    source_reconcile(
        **common,
        reason=Reason.HOMEWORK_SCORE,
        desired=homework_score_coins(score, max_score, rules),
        group_id=group_id,
        created_by_id=actor_id,
        note=note,
    )
    source_reconcile(
        **common,
        reason=Reason.HOMEWORK_ON_TIME,
        desired=homework_on_time_coins(on_time, rules),
        group_id=group_id,
        created_by_id=actor_id,
        note=f"homework {homework_id} handed in on time",
    )
    achievements.on_homework_reviewed(student_id=student_id, group_id=group_id)


@transaction.atomic
def payment_apply(*, payment, on_time: bool) -> None:
    """An invoice paid on time earns coins; a refund (on_time=False) takes them back."""
    source_reconcile(
        student_id=payment.student_id,
        source_type="payment",
        source_id=payment.pk,
        reason=Reason.INVOICE_ON_TIME,
        desired=invoice_on_time_coins(on_time),
        group_id=getattr(payment, "group_id", None),
        note=f"invoice {payment.pk}",
    )

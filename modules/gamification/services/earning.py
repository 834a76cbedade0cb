"""Coins earned from school events, computed by the reaction tasks from the current state (never
from a signal's payload): what each source is worth *now* goes to batch.reconcile_many, which writes
the difference, so first marks award, changes of mind compensate and reruns do nothing.

No function here opens a transaction: the task's durable atomic is the only one (see tasks.py)."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Sum
from django.utils import timezone

from modules.gamification.badges import FIRST_HOMEWORK, LESSON_STREAK
from modules.gamification.models import AttendanceMark, CoinTransaction, Reason
from modules.gamification.rules import (
    ATTENDED,
    attendance_coins,
    coin_rules,
    homework_on_time_coins,
    homework_score_coins,
    invoice_on_time_coins,
)
from modules.gamification.services.achievements import award_many
from modules.gamification.services.batch import Desired, reconcile_many


def attendance_apply(*, lesson_id: int, student_ids: list[int], actor_id: int | None = None) -> int:
    """The students' coins, marks and streaks for this lesson as its records are now. Returns how
    many ledger rows were written (0 on a rerun)."""
    from modules.attendance.models import AttendanceRecord
    from modules.lessons.models import Lesson

    lesson = Lesson.objects.filter(pk=lesson_id).values("id", "group_id", "starts_at").first()
    if lesson is None or not student_ids:
        return 0
    group_id = lesson["group_id"]
    statuses = dict(
        AttendanceRecord.objects.filter(lesson_id=lesson_id, student_id__in=student_ids).values_list(
            "student_id", "status"
        )
    )
    students = sorted(set(student_ids))
    _project_marks(lesson, {s: statuses.get(s, "") for s in students})
    rules = coin_rules()
    items = [
        Desired(
            student_id=s,
            source_type="lesson",
            source_id=lesson_id,
            reason=Reason.ATTENDANCE,
            amount=attendance_coins(statuses.get(s), rules),
            group_id=group_id,
            note=f"lesson {lesson_id}: {statuses.get(s) or 'unmarked'}",
            created_by_id=actor_id,
        )
        for s in students
    ]
    streaks, with_streak = _streak_items(students, group_id, rules)
    written = reconcile_many(items + streaks)
    if with_streak:
        award_many(badge=LESSON_STREAK, student_groups={s: group_id for s in with_streak})
    return len(written)


def _project_marks(lesson: dict, statuses: dict[int, str]) -> None:
    """Gamification's own copy of the marks (streaks and perfect weeks read it), one upsert."""
    AttendanceMark.objects.bulk_create(
        [
            AttendanceMark(
                lesson_id=lesson["id"],
                student_id=s,
                group_id=lesson["group_id"],
                lesson_starts_at=lesson["starts_at"],
                status=status,
            )
            for s, status in statuses.items()
        ],
        update_conflicts=True,
        unique_fields=["lesson", "student"],
        update_fields=["status", "group", "lesson_starts_at"],
    )


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


def _streak_items(students: list[int], group_id: int, rules: dict) -> tuple[list[Desired], list[int]]:
    """Every streak bonus of these students in the group, recomputed from all their marks (two
    queries), so an edit of a past lesson grants or takes back exactly the bonuses it makes or
    breaks. Returns the items and the students who have at least one streak."""
    marks = defaultdict(list)
    rows = (
        AttendanceMark.objects.filter(student_id__in=students, group_id=group_id)
        .order_by("student_id", "lesson_starts_at", "lesson_id")
        .values_list("student_id", "lesson_id", "status")
    )
    for student_id, lesson_id, status in rows:
        marks[student_id].append((lesson_id, status))
    given = defaultdict(set)
    for student_id, lesson_id in (
        CoinTransaction.objects.filter(
            student_id__in=students, group_id=group_id, reason=Reason.STREAK_BONUS, source_type="lesson"
        )
        .values_list("student_id", "source_id")
        .annotate(total=Sum("amount"))
        .filter(total__gt=0)
        .values_list("student_id", "source_id")
    ):
        given[student_id].add(lesson_id)
    length, bonus = int(rules["streak_length"]), int(rules["streak_bonus"])
    items, with_streak = [], []
    for student_id in students:
        desired = _streak_bonuses(marks[student_id], length, bonus)
        if desired:
            with_streak.append(student_id)
        for lesson_id in sorted(set(desired) | given[student_id]):
            items.append(
                Desired(
                    student_id=student_id,
                    source_type="lesson",
                    source_id=lesson_id,
                    reason=Reason.STREAK_BONUS,
                    amount=desired.get(lesson_id, 0),
                    group_id=group_id,
                    note=f"{length} lessons in a row",
                )
            )
    return items, with_streak


def _on_time(submission) -> bool:
    homework = submission.homework
    if getattr(submission, "is_late", None) is not None:
        return not submission.is_late
    submitted = getattr(submission, "submitted_at", None) or getattr(submission, "created_at", None)
    due = getattr(homework, "due_at", None)
    return due is None or submitted is None or submitted <= due


def homework_apply(*, submission_id: int, actor_id: int | None = None) -> int:
    """The coins of a reviewed submission's homework as its score is now. Keyed by the homework, not
    the submission: a resubmission's review replaces the coins of the earlier attempt."""
    from modules.homework.models import Submission

    submission = Submission.objects.select_related("homework").filter(pk=submission_id).first()
    if submission is None or submission.reviewed_at is None:
        return 0
    homework = submission.homework
    student_id, group_id = submission.student_id, homework.group_id
    max_score = getattr(submission, "max_score", None) or homework.max_score
    rules = coin_rules()
    common = {
        "student_id": student_id,
        "source_type": "homework",
        "source_id": homework.pk,
        "group_id": group_id,
    }
    items = [
        Desired(
            **common,
            reason=Reason.HOMEWORK_SCORE,
            amount=homework_score_coins(submission.score, max_score, rules),
            note=f"homework {homework.pk}: score {submission.score}/{max_score}",
            created_by_id=actor_id,
        ),
        Desired(
            **common,
            reason=Reason.HOMEWORK_ON_TIME,
            amount=homework_on_time_coins(_on_time(submission), rules),
            note=f"homework {homework.pk} handed in on time",
            created_by_id=actor_id,
        ),
    ]
    written = reconcile_many(items)
    award_many(badge=FIRST_HOMEWORK, student_groups={student_id: group_id})
    return len(written)


def payment_apply(*, payment_id: int) -> int:
    """An invoice paid on time earns coins; once refunded (or cancelled) it is worth none."""
    from modules.payments.models import Payment

    payment = Payment.objects.filter(pk=payment_id).first()
    if payment is None:
        return 0
    on_time = (
        payment.status == Payment.Status.PAID
        and payment.paid_at is not None
        and timezone.localdate(payment.paid_at) <= payment.due_date
    )
    item = Desired(
        student_id=payment.student_id,
        source_type="payment",
        source_id=payment.pk,
        reason=Reason.INVOICE_ON_TIME,
        amount=invoice_on_time_coins(on_time),
        group_id=payment.group_id,
        note=f"invoice {payment.pk}",
    )
    return len(reconcile_many([item]))

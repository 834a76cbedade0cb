"""Computing a run: what each teacher earned in a month, from what happened. A handful of
set-based queries whatever the size (lessons with their present counts, rates, revenue by group),
then statements and lines written in bulk.

What counts: completed lessons that started in the month (the center's time zone), paid to the
teacher who taught them (a substitute, not the group's usual teacher). Make-up and trial lessons
count when the rate says so (read from the lesson's `kind` where lessons have one); a lesson nobody
attended (present or late) counts only when the rate says so. Revenue is the group's money received
in the month (payment records of its invoices, refunds subtracted), shared with the group's teacher."""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, Sum
from django.utils import timezone

from modules.attendance.models import Status as Attendance
from modules.courses.models import Group
from modules.lessons.models import Lesson
from modules.payments.ledger_models import PaymentRecord
from modules.payroll.models import PayRate, PayrollLine, PayrollRun, PayrollStatement

Kind = PayRate.Kind
PER_LESSON_KINDS = (Kind.PER_LESSON, Kind.PER_PRESENT_STUDENT)
HAS_LESSON_KIND = any(f.name == "kind" for f in Lesson._meta.get_fields())


@dataclass(frozen=True)
class LessonFact:
    id: int
    teacher_id: int
    group_id: int
    course_id: int
    starts_at: datetime
    kind: str
    present: int


@dataclass
class Draft:
    """A teacher's statement before it is written."""

    teacher_id: int
    lines: list[PayrollLine] = field(default_factory=list)
    lesson_ids: set[int] = field(default_factory=set)

    @property
    def base(self) -> int:
        return sum(line.amount for line in self.lines)


def month_window(period: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    first = period.replace(day=1)
    days = calendar.monthrange(first.year, first.month)[1]
    start = datetime.combine(first, time.min, tzinfo=zone)
    return start, start + timedelta(days=days)


def lesson_facts(run: PayrollRun) -> list[LessonFact]:
    start, end = month_window(run.period)
    qs = Lesson.objects.filter(status=Lesson.Status.COMPLETED, starts_at__gte=start, starts_at__lt=end)
    if run.branch_id:
        qs = qs.filter(group__branch_id=run.branch_id)
    present = Count("attendance", filter=Q(attendance__status__in=[Attendance.PRESENT, Attendance.LATE]))
    columns = ["id", "teacher_id", "group_id", "group__course_id", "starts_at"]
    if HAS_LESSON_KIND:
        columns.append("kind")
    rows = qs.annotate(present=present).values_list(*columns, "present").order_by("starts_at", "id")
    facts = []
    for row in rows:
        kind = row[5] if HAS_LESSON_KIND else "regular"
        facts.append(LessonFact(row[0], row[1], row[2], row[3], row[4], kind or "regular", row[-1]))
    return facts


def active_rates(run: PayrollRun) -> list[PayRate]:
    first = run.period.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return list(
        PayRate.objects.filter(active_from__lte=last).filter(
            Q(active_to__isnull=True) | Q(active_to__gte=first)
        )
    )


class RateBook:
    """Rates by teacher and level, so choosing the rates for a lesson is a dictionary lookup."""

    def __init__(self, rates: list[PayRate]):
        self.by_group: dict[tuple[int, int], list[PayRate]] = defaultdict(list)
        self.by_course: dict[tuple[int, int], list[PayRate]] = defaultdict(list)
        self.general: dict[int, list[PayRate]] = defaultdict(list)
        for rate in rates:
            if rate.group_id:
                self.by_group[(rate.teacher_id, rate.group_id)].append(rate)
            elif rate.course_id:
                self.by_course[(rate.teacher_id, rate.course_id)].append(rate)
            else:
                self.general[rate.teacher_id].append(rate)

    def for_group(self, teacher_id: int, group_id: int, course_id: int) -> list[PayRate]:
        return (
            self.by_group.get((teacher_id, group_id))
            or self.by_course.get((teacher_id, course_id))
            or self.general.get(teacher_id, [])
        )


def counts(rate: PayRate, fact: LessonFact) -> bool:
    if fact.kind == "makeup" and not rate.count_makeup_lessons:
        return False
    if fact.kind == "trial" and not rate.count_trial_lessons:
        return False
    return fact.present > 0 or rate.count_lessons_nobody_attended


def _lesson_lines(facts: list[LessonFact], book: RateBook, drafts: dict[int, Draft]) -> None:
    for fact in facts:
        for rate in book.for_group(fact.teacher_id, fact.group_id, fact.course_id):
            if rate.kind not in PER_LESSON_KINDS or not counts(rate, fact):
                continue
            amount = rate.amount if rate.kind == Kind.PER_LESSON else rate.amount * fact.present
            draft = drafts.setdefault(fact.teacher_id, Draft(fact.teacher_id))
            draft.lesson_ids.add(fact.id)
            draft.lines.append(
                PayrollLine(
                    kind=rate.kind,
                    rate=rate,
                    lesson_id=fact.id,
                    group_id=fact.group_id,
                    lesson_starts_at=fact.starts_at,
                    present_students=fact.present,
                    amount=amount,
                )
            )


def group_revenue(run: PayrollRun, group_ids: set[int]) -> dict[int, int]:
    """Money received for each group's invoices in the month, refunds subtracted."""
    if not group_ids:
        return {}
    start, end = month_window(run.period)
    rows = (
        PaymentRecord.objects.filter(
            payment__group_id__in=group_ids, occurred_at__gte=start, occurred_at__lt=end
        )
        .values("payment__group_id")
        .annotate(
            paid=Sum("amount", filter=Q(kind=PaymentRecord.Kind.PAYMENT)),
            refunded=Sum("amount", filter=Q(kind=PaymentRecord.Kind.REFUND)),
        )
    )
    return {r["payment__group_id"]: (r["paid"] or 0) - (r["refunded"] or 0) for r in rows}


def _revenue_lines(run: PayrollRun, rates: list[PayRate], drafts: dict[int, Draft]) -> None:
    percent = [r for r in rates if r.kind == Kind.REVENUE_PERCENT]
    if not percent:
        return
    teachers = {r.teacher_id for r in percent}
    groups = Group.objects.filter(teacher_id__in=teachers)
    if run.branch_id:
        groups = groups.filter(branch_id=run.branch_id)
    group_rows = list(groups.values_list("id", "teacher_id", "course_id"))
    revenue = group_revenue(run, {g[0] for g in group_rows})
    book = RateBook(rates)
    for group_id, teacher_id, course_id in group_rows:
        basis = revenue.get(group_id, 0)
        for rate in book.for_group(teacher_id, group_id, course_id):
            if rate.kind != Kind.REVENUE_PERCENT or basis <= 0:
                continue
            # integer rounding half up: basis points of tiyin, no floats near money
            amount = (basis * rate.amount * 2 + 10_000) // 20_000
            drafts.setdefault(teacher_id, Draft(teacher_id)).lines.append(
                PayrollLine(kind=rate.kind, rate=rate, group_id=group_id, basis=basis, amount=amount)
            )


def _fixed_lines(run: PayrollRun, rates: list[PayRate], drafts: dict[int, Draft]) -> None:
    for rate in rates:
        if rate.kind != Kind.FIXED_MONTHLY:
            continue
        if (
            run.branch_id
            and rate.group_id
            and not Group.objects.filter(pk=rate.group_id, branch_id=run.branch_id).exists()
        ):
            continue
        drafts.setdefault(rate.teacher_id, Draft(rate.teacher_id)).lines.append(
            PayrollLine(kind=rate.kind, rate=rate, group_id=rate.group_id, amount=rate.amount)
        )


def compute(run: PayrollRun) -> dict[int, Draft]:
    rates = active_rates(run)
    drafts: dict[int, Draft] = {}
    _lesson_lines(lesson_facts(run), RateBook(rates), drafts)
    _revenue_lines(run, rates, drafts)
    _fixed_lines(run, rates, drafts)
    return drafts


def write(run: PayrollRun, drafts: dict[int, Draft], adjustments: dict[int, int]) -> int:
    """Replace the run's statements with these (the caller holds the run's lock; drafts only)."""
    PayrollStatement.objects.filter(run=run).delete()
    teacher_ids = sorted(set(drafts) | set(adjustments))
    statements = PayrollStatement.objects.bulk_create(
        [
            PayrollStatement(
                run=run,
                teacher_id=tid,
                lessons=len(drafts[tid].lesson_ids) if tid in drafts else 0,
                base_amount=drafts[tid].base if tid in drafts else 0,
                adjustments_amount=adjustments.get(tid, 0),
                total=(drafts[tid].base if tid in drafts else 0) + adjustments.get(tid, 0),
            )
            for tid in teacher_ids
        ]
    )
    by_teacher = {s.teacher_id: s for s in statements}
    lines = []
    for tid, draft in drafts.items():
        for line in draft.lines:
            line.statement = by_teacher[tid]
            lines.append(line)
    PayrollLine.objects.bulk_create(lines, batch_size=2000)
    return sum(s.total for s in statements)

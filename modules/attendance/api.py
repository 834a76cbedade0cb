from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import File, Form, Query, Router, Status, UploadedFile

from core.exceptions import ValidationFailed
from core.idempotency import idempotent
from core.pagination import paginate
from core.permissions import IsAdmin, IsStaff, Predicate, check
from core.schemas import errors
from modules.attendance import exports, importer, makeups, permissions, reports, selectors, services
from modules.attendance.schemas import (
    AttendanceBulkIn,
    AttendanceChangeOut,
    AttendanceImportOut,
    AttendanceImportRejectedOut,
    AttendancePatchIn,
    GroupAttendanceReportOut,
    HistoryOrdering,
    LessonAttendanceOut,
    MakeupCreateIn,
    ReportFormat,
    ReportRangeQuery,
    StudentAttendanceReportOut,
    StudentReportQuery,
)
from modules.courses.models import Room
from modules.courses.selectors import (
    branch_ref,
    groups_visible_to,
    is_group_teacher,
    person_ref,
    students_visible_to,
)
from modules.lessons.schemas import ClashErrorOut, LessonOut
from modules.lessons.selectors import lesson_with_relations, lessons_visible_to

CAN_MARK = Predicate(
    permissions.is_lesson_staff, gettext_lazy("Only the group's teacher or an admin may mark attendance.")
)
CAN_SEE_HISTORY = CAN_MARK
CAN_IMPORT = IsStaff
CAN_REPORT = CAN_MARK
CAN_REPORT_GROUP = IsAdmin | Predicate(
    is_group_teacher, gettext_lazy("Only the group's teacher or an admin.")
)

router = Router(tags=["attendance"])


def _sheet_after(request, outcome: services.MarkOutcome) -> dict:
    return selectors.lesson_sheet(
        request.auth, outcome.lesson, roster=outcome.roster, records=outcome.records
    )


@router.get(
    "/lessons/{lesson_id}/attendance",
    response={200: LessonAttendanceOut, **errors(401, 404, 429)},
    summary="A lesson's attendance sheet (roster students without a record are unmarked)",
    description="Teachers and admins see every line; students and parents only their own (children's).",
)
def get_lesson_attendance(request, lesson_id: int):
    lesson = selectors.lesson_for_attendance(request.auth, lesson_id)
    return selectors.lesson_sheet(request.auth, lesson)


@router.put(
    "/lessons/{lesson_id}/attendance",
    response={200: LessonAttendanceOut, **errors(401, 403, 404, 409, 422, 429)},
    summary="Mark attendance for many students at once (all or nothing)",
    description=(
        "Upserts one record per student. Any unknown or off-roster student rejects the whole request "
        "(422, code `students_not_on_roster`, listing `unknown_student_ids` and `off_roster_student_ids`). "
        "Teachers may change attendance until `editable_until` (403 `attendance_edit_window_closed` after); "
        "admins any time. A cancelled lesson answers 409 `lesson_cancelled`; before the lesson starts only "
        "`excused` may be recorded (409 `lesson_not_started`). The first marks of a lesson that has "
        "started complete it. `trials` marks the lesson's trial guests by `lead_id` (422 "
        "`trials_not_booked` for a lead not booked here). A student who makes up a missed lesson here "
        "and is marked present or late has that absence made up (`made_up_by`)."
    ),
)
def mark_lesson_attendance(request, lesson_id: int, payload: AttendanceBulkIn):
    lesson = selectors.lesson_for_attendance(request.auth, lesson_id)
    check(CAN_MARK, request.auth, lesson)
    outcome = services.attendance_mark_bulk(
        lesson=lesson,
        actor=request.auth,
        records=[r.dict() for r in payload.records],
        trials=[t.dict() for t in payload.trials],
    )
    # the lesson was reloaded under a row lock; what the request already knows saves the sheet a query
    outcome.lesson.has_seats, outcome.lesson.has_trials = lesson.has_seats, lesson.has_trials
    return _sheet_after(request, outcome)


@router.post(
    "/lessons/{lesson_id}/makeups",
    response={201: LessonOut, 409: ClashErrorOut, **errors(401, 403, 404, 422, 429)},
    summary="Schedule a make-up for students absent from a lesson",
    description=(
        "`starts_at` (+ optional `teacher_id`, `room_id`): a new lesson of kind `makeup` in the same group, "
        "as long as the missed one, clash-checked like any lesson (409 `lesson_clash` listing the clashes). "
        "Or `lesson_id`: seats in another scheduled lesson of the same course (409 `lesson_full`). "
        "Only students marked absent or excused at the lesson (422 `students_not_absent`), once per "
        "absence (409 `already_made_up`). Attending the make-up sets `made_up_by` on the absence."
    ),
)
@idempotent
def create_lesson_makeup(request, lesson_id: int, payload: MakeupCreateIn):
    lesson = selectors.lesson_for_attendance(request.auth, lesson_id)
    check(CAN_MARK, request.auth, lesson)
    if payload.teacher_id is not None and payload.teacher_id != request.auth.pk:
        check(IsAdmin, request.auth)
    target = (
        lessons_visible_to(request.auth).filter(pk=payload.lesson_id).first() if payload.lesson_id else None
    )
    if payload.lesson_id and target is None:
        raise ValidationFailed.field(
            "lesson_id",
            _("no lesson with id {lesson_id}").format(lesson_id=payload.lesson_id),
            code="unknown_reference",
        )
    booked = makeups.makeup_book(
        original=lesson,
        student_ids=payload.student_ids,
        actor=request.auth,
        starts_at=payload.starts_at,
        teacher=person_ref(request.auth, payload.teacher_id, "teacher_id"),
        room=branch_ref(request.auth, Room, payload.room_id, "room_id"),
        target=target,
    )
    return Status(201, lesson_with_relations(booked.pk))


@router.patch(
    "/lessons/{lesson_id}/attendance/{int:student_id}",
    response={200: LessonAttendanceOut, **errors(401, 403, 404, 409, 422, 429)},
    summary="Change one student's attendance record",
    description="Same rules as the bulk mark; `note` alone may be changed on an existing record.",
)
def update_attendance_record(request, lesson_id: int, student_id: int, payload: AttendancePatchIn):
    lesson = selectors.lesson_for_attendance(request.auth, lesson_id)
    check(CAN_MARK, request.auth, lesson)
    outcome = services.attendance_update(
        lesson=lesson, actor=request.auth, student_id=student_id, **payload.dict(exclude_unset=True)
    )
    return _sheet_after(request, outcome)


@router.get(
    "/lessons/{lesson_id}/attendance/history",
    response={200: list[AttendanceChangeOut], **errors(401, 403, 404, 429)},
    summary="Every change of a lesson's attendance (append-only)",
)
@paginate
def list_attendance_history(request, lesson_id: int, ordering: Query[HistoryOrdering] = "created_at"):
    lesson = selectors.lesson_for_attendance(request.auth, lesson_id)
    check(CAN_SEE_HISTORY, request.auth, lesson)
    return selectors.lesson_history(lesson, ordering=ordering)


@router.post(
    "/attendance/import",
    response={200: AttendanceImportOut, 422: AttendanceImportRejectedOut, **errors(401, 403, 413, 415, 429)},
    summary="Import attendance from a CSV or XLSX file",
    description=(
        "Multipart `file` with a header row. Columns: `lesson_id`, or `group` (id or name) and `date` "
        "(YYYY-MM-DD or DD.MM.YYYY); `student_id` or `phone` (any Uzbek form); `status`; optional `note`. "
        "Every row is checked first: if any is bad nothing is applied and the answer is 422 "
        "(`import_rows_invalid`) with the per-row report, unless `partial=true` (the good rows are "
        "applied). `dry_run=true` only reports."
    ),
)
def import_attendance(
    request, file: File[UploadedFile], partial: Form[bool] = False, dry_run: Form[bool] = False
):
    check(CAN_IMPORT, request.auth)
    report = importer.attendance_import(upload=file, actor=request.auth, partial=partial, dry_run=dry_run)
    return report.as_dict()


@router.get(
    "/attendance/reports/students/{student_id}",
    response={200: StudentAttendanceReportOut, **errors(401, 404, 422, 429)},
    openapi_extra=exports.OPENAPI_DOWNLOADS,
    summary="A student's attendance: counts, rate, current absence streak, records",
    description="The student, their parents, their teachers (own groups' lessons) and admins.",
)
def get_student_attendance_report(request, student_id: int, query: Query[StudentReportQuery]):
    student = students_visible_to(request.auth, current_only=False).get(pk=student_id)
    report = reports.student_report(
        viewer=request.auth,
        student=student,
        date_from=query.date_from,
        date_to=query.date_to,
        group_id=query.group_id,
        branch=query.branch,
    )
    if query.format != "json":
        return exports.download(
            query.format, f"attendance-student-{student.pk}", *exports.student_table(report)
        )
    return report


@router.get(
    "/attendance/reports/lessons/{lesson_id}",
    response={200: LessonAttendanceOut, **errors(401, 403, 404, 422, 429)},
    openapi_extra=exports.OPENAPI_DOWNLOADS,
    summary="A lesson's attendance report",
)
def get_lesson_attendance_report(request, lesson_id: int, format: Query[ReportFormat] = "json"):
    lesson = selectors.lesson_for_attendance(request.auth, lesson_id)
    check(CAN_REPORT, request.auth, lesson)
    sheet = selectors.lesson_sheet(request.auth, lesson)
    if format != "json":
        return exports.download(format, f"attendance-lesson-{lesson.pk}", *exports.lesson_table(sheet))
    return sheet


@router.get(
    "/attendance/reports/groups/{group_id}",
    response={200: GroupAttendanceReportOut, **errors(401, 403, 404, 422, 429)},
    openapi_extra=exports.OPENAPI_DOWNLOADS,
    summary="A group's students x lessons attendance matrix with rates",
    description="Defaults: from the group's start to today (the center's time zone); cancelled lessons left out.",
)
def get_group_attendance_report(request, group_id: int, query: Query[ReportRangeQuery]):
    group = groups_visible_to(request.auth).get(pk=group_id)
    check(CAN_REPORT_GROUP, request.auth, group)
    report = reports.group_report(group=group, date_from=query.date_from, date_to=query.date_to)
    if query.format != "json":
        return exports.download(query.format, f"attendance-group-{group.pk}", *exports.group_table(report))
    return report

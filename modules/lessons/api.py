"""Lessons: list and detail, topic and notes, reschedule (409 on a clash), cancel, complete, the
reschedule history, generation for a group, and the private calendar feed."""

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from core.exceptions import NotFound
from core.pagination import paginate
from core.permissions import IsAuthenticated, check
from core.schemas import errors
from modules.courses.models import Room
from modules.courses.selectors import branch_ref, group_for
from modules.lessons import selectors
from modules.lessons.permissions import CAN_CANCEL_LESSON, CAN_EDIT_LESSON, CAN_GENERATE
from modules.lessons.schemas import (
    CalendarFeedOut,
    CancelIn,
    ClashErrorOut,
    GenerateIn,
    GenerateOut,
    LessonFilter,
    LessonOut,
    LessonUpdateIn,
    RescheduleIn,
    RescheduleOut,
)
from modules.lessons.services import calendar, generation
from modules.lessons.services import lessons as services
from modules.lessons.viewer import with_viewer_fields
from modules.lessons.weekly.api import router as weekly_router

router = Router()
lessons = Router(tags=["lessons"])
feeds = Router(tags=["calendar"])


@lessons.get(
    "/lessons", response={200: list[LessonOut], **errors(401, 422, 429)}, summary="List lessons you may see"
)
@paginate
def list_lessons(request, filters: Query[LessonFilter]):
    return selectors.lesson_list(request.auth, **filters.dict())


@lessons.get(
    "/lessons/{lesson_id}", response={200: LessonOut, **errors(401, 404, 429)}, summary="Get a lesson"
)
def get_lesson(request, lesson_id: int):
    return with_viewer_fields(selectors.lesson_for(request.auth, lesson_id), request.auth)


@lessons.patch(
    "/lessons/{lesson_id}",
    response={200: LessonOut, **errors(401, 403, 404, 422, 429)},
    summary="Set a lesson's topic or notes",
)
def update_lesson(request, lesson_id: int, payload: LessonUpdateIn):
    lesson = selectors.lesson_for(request.auth, lesson_id)
    check(CAN_EDIT_LESSON, request.auth, lesson)
    services.lesson_update(lesson=lesson, actor=request.auth, **payload.dict(exclude_unset=True))
    return selectors.lesson_with_relations(lesson.pk)


@lessons.post(
    "/lessons/{lesson_id}/reschedule",
    response={200: LessonOut, 409: ClashErrorOut, **errors(401, 403, 404, 422, 429)},
    summary="Move a lesson (409 listing clashing lessons)",
)
def reschedule_lesson(request, lesson_id: int, payload: RescheduleIn):
    lesson = selectors.lesson_for(request.auth, lesson_id)
    check(CAN_EDIT_LESSON, request.auth, lesson)
    services.lesson_reschedule(
        lesson=lesson,
        starts_at=payload.starts_at,
        reason=payload.reason,
        room=branch_ref(request.auth, Room, payload.room_id, "room_id"),
        actor=request.auth,
    )
    return selectors.lesson_with_relations(lesson.pk)


@lessons.post(
    "/lessons/{lesson_id}/cancel",
    response={200: LessonOut, **errors(401, 403, 404, 409, 422, 429)},
    summary="Cancel a lesson with a reason",
)
def cancel_lesson(request, lesson_id: int, payload: CancelIn):
    lesson = selectors.lesson_for(request.auth, lesson_id)
    check(CAN_CANCEL_LESSON, request.auth, lesson)
    services.lesson_cancel(lesson=lesson, reason=payload.reason, actor=request.auth)
    return selectors.lesson_with_relations(lesson.pk)


@lessons.post(
    "/lessons/{lesson_id}/complete",
    response={200: LessonOut, **errors(401, 403, 404, 409, 429)},
    summary="Mark a lesson held",
)
def complete_lesson(request, lesson_id: int):
    lesson = selectors.lesson_for(request.auth, lesson_id)
    check(CAN_EDIT_LESSON, request.auth, lesson)
    services.lesson_complete(lesson=lesson, actor=request.auth)
    return selectors.lesson_with_relations(lesson.pk)


@lessons.get(
    "/lessons/{lesson_id}/reschedules",
    response={200: list[RescheduleOut], **errors(401, 404, 429)},
    summary="A lesson's reschedule history",
)
@paginate
def list_lesson_reschedules(request, lesson_id: int):
    lesson = selectors.lesson_for(request.auth, lesson_id)
    return selectors.lesson_reschedules(lesson.pk)


@lessons.post(
    "/groups/{group_id}/lessons/generate",
    response={200: GenerateOut, **errors(401, 403, 404, 409, 422, 429)},
    summary="Generate a group's lessons for a date range (rerunning creates nothing)",
)
def generate_group_lessons(request, group_id: int, payload: GenerateIn):
    group = group_for(request.auth, group_id)
    check(CAN_GENERATE, request.auth, group)
    result = generation.lessons_generate_for_group(
        group=group, date_from=payload.date_from, date_to=payload.date_to
    )
    return {"created": result.created, "skipped": result.skipped}


# --- calendar feed -----------------------------------------------------------------------------------

CAN_USE_FEED = IsAuthenticated()


def _feed_out(feed, url: str | None = None) -> dict:
    if feed is None:
        return {"active": False}
    return {"active": True, "created_at": feed.created_at, "last_used_at": feed.last_used_at, "url": url}


@feeds.get(
    "/calendar/feed",
    response={200: CalendarFeedOut, **errors(401, 429)},
    summary="Your calendar feed's state",
)
def get_calendar_feed(request):
    check(CAN_USE_FEED, request.auth)
    return _feed_out(selectors.live_calendar_feed(request.auth))


@feeds.post(
    "/calendar/feed",
    response={201: CalendarFeedOut, **errors(401, 403, 429)},
    summary="Make a new private calendar URL (the old one stops working)",
)
def create_calendar_feed(request):
    check(CAN_USE_FEED, request.auth)
    feed, raw = calendar.calendar_feed_create(user=request.auth)
    return Status(201, _feed_out(feed, request.build_absolute_uri(f"/api/v1/calendar/feeds/{raw}.ics")))


@feeds.delete(
    "/calendar/feed", response={204: None, **errors(401, 409, 429)}, summary="Revoke your calendar URL"
)
def revoke_calendar_feed(request):
    check(CAN_USE_FEED, request.auth)
    calendar.calendar_feed_revoke(user=request.auth)
    return Status(204, None)


@feeds.get(
    "/calendar/feeds/{token}.ics",
    auth=None,
    response={200: None, **errors(404, 429)},
    summary="A private iCalendar feed (the token in the URL is the credential)",
)
def get_calendar_ics(request, token: str):
    feed = selectors.calendar_feed_by_token(token)
    if feed is None:
        raise NotFound(_("Unknown or revoked calendar feed."))
    response = HttpResponse(calendar.calendar_render(feed=feed), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


router.add_router("", lessons)
router.add_router("", feeds)
router.add_router("", weekly_router)

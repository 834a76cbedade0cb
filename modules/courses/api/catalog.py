from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from core.idempotency import idempotent
from core.pagination import paginate
from core.permissions import check
from core.schemas import errors
from modules.courses import selectors
from modules.courses.branches import director_only
from modules.courses.models import Branch, Course, Holiday, Room
from modules.courses.permissions import CAN_MANAGE_CATALOG, CAN_READ_CATALOG, CAN_READ_ROOMS
from modules.courses.schemas import (
    BranchCreateIn,
    BranchOut,
    BranchUpdateIn,
    CourseCreateIn,
    CourseFilter,
    CourseOut,
    CourseUpdateIn,
    HolidayCreateIn,
    HolidayFilter,
    HolidayOut,
    HolidayUpdateIn,
    RoomCreateIn,
    RoomFilter,
    RoomOut,
    RoomUpdateIn,
)
from modules.courses.services import catalog as services

branches = Router(tags=["branches"])
courses = Router(tags=["courses"])
rooms = Router(tags=["rooms"])
holidays = Router(tags=["holidays"])

# --- branches ----------------------------------------------------------------------------------------


@branches.get("/branches", response={200: list[BranchOut], **errors(401, 422, 429)}, summary="List branches")
@paginate
def list_branches(request):
    check(CAN_READ_CATALOG, request.auth)
    return selectors.branch_list(request.auth)


@branches.post(
    "/branches", response={201: BranchOut, **errors(401, 403, 409, 422, 429)}, summary="Create a branch"
)
def create_branch(request, payload: BranchCreateIn):
    check(CAN_MANAGE_CATALOG, request.auth)
    director_only(request.auth, _("open a branch"))
    return Status(201, services.branch_create(**payload.dict()))


@branches.patch(
    "/branches/{branch_id}",
    response={200: BranchOut, **errors(401, 403, 404, 409, 422, 429)},
    summary="Update a branch",
)
def update_branch(request, branch_id: int, payload: BranchUpdateIn):
    check(CAN_MANAGE_CATALOG, request.auth)
    branch = selectors.scoped_or_404(request.auth, Branch, branch_id, field="pk")
    return services.branch_update(branch=branch, **payload.dict(exclude_unset=True, exclude_none=True))


@branches.delete(
    "/branches/{branch_id}",
    response={204: None, **errors(401, 403, 404, 409, 429)},
    summary="Delete a branch",
)
def delete_branch(request, branch_id: int):
    check(CAN_MANAGE_CATALOG, request.auth)
    branch = selectors.scoped_or_404(request.auth, Branch, branch_id, field="pk")
    director_only(request.auth, _("delete a branch"))
    services.branch_delete(branch=branch)
    return Status(204, None)


# --- courses -----------------------------------------------------------------------------------------


@courses.get(
    "/courses", response={200: list[CourseOut], **errors(401, 422, 429)}, summary="List courses (active ones)"
)
@paginate
def list_courses(request, filters: Query[CourseFilter]):
    check(CAN_READ_CATALOG, request.auth)
    return selectors.course_list(request.auth, search=filters.search, is_active=filters.is_active)


@courses.get(
    "/courses/{course_id}", response={200: CourseOut, **errors(401, 404, 429)}, summary="Get a course"
)
def get_course(request, course_id: int):
    check(CAN_READ_CATALOG, request.auth)
    return selectors.course_for(request.auth, course_id)


@courses.post("/courses", response={201: CourseOut, **errors(401, 403, 422, 429)}, summary="Create a course")
@idempotent
def create_course(request, payload: CourseCreateIn):
    check(CAN_MANAGE_CATALOG, request.auth)
    director_only(request.auth, _("change the center's catalog"))
    return Status(201, services.course_create(**payload.dict()))


@courses.patch(
    "/courses/{course_id}",
    response={200: CourseOut, **errors(401, 403, 404, 422, 429)},
    summary="Update a course",
)
def update_course(request, course_id: int, payload: CourseUpdateIn):
    check(CAN_MANAGE_CATALOG, request.auth)
    director_only(request.auth, _("change the center's catalog"))
    course = selectors.get_or_404(Course, course_id)
    return services.course_update(course=course, **payload.dict(exclude_unset=True, exclude_none=True))


@courses.delete(
    "/courses/{course_id}",
    response={204: None, **errors(401, 403, 404, 409, 429)},
    summary="Delete a course (only if no group uses it)",
)
def delete_course(request, course_id: int):
    check(CAN_MANAGE_CATALOG, request.auth)
    director_only(request.auth, _("change the center's catalog"))
    services.course_delete(course=selectors.get_or_404(Course, course_id))
    return Status(204, None)


# --- rooms -------------------------------------------------------------------------------------------


@rooms.get("/rooms", response={200: list[RoomOut], **errors(401, 403, 422, 429)}, summary="List rooms")
@paginate
def list_rooms(request, filters: Query[RoomFilter]):
    check(CAN_READ_ROOMS, request.auth)
    return selectors.room_list(request.auth, branch=filters.branch, is_active=filters.is_active)


@rooms.post("/rooms", response={201: RoomOut, **errors(401, 403, 409, 422, 429)}, summary="Create a room")
def create_room(request, payload: RoomCreateIn):
    check(CAN_MANAGE_CATALOG, request.auth)
    branch = selectors.branch_ref(request.auth, Branch, payload.branch_id, "branch_id")
    data = payload.dict(exclude={"branch_id"})
    return Status(201, services.room_create(branch=branch, **data))


@rooms.patch(
    "/rooms/{room_id}",
    response={200: RoomOut, **errors(401, 403, 404, 409, 422, 429)},
    summary="Update a room",
)
def update_room(request, room_id: int, payload: RoomUpdateIn):
    check(CAN_MANAGE_CATALOG, request.auth)
    room = selectors.scoped_or_404(request.auth, Room, room_id)
    return services.room_update(room=room, **payload.dict(exclude_unset=True, exclude_none=True))


@rooms.delete(
    "/rooms/{room_id}", response={204: None, **errors(401, 403, 404, 409, 429)}, summary="Delete a room"
)
def delete_room(request, room_id: int):
    check(CAN_MANAGE_CATALOG, request.auth)
    services.room_delete(room=selectors.scoped_or_404(request.auth, Room, room_id))
    return Status(204, None)


# --- holidays ----------------------------------------------------------------------------------------


@holidays.get("/holidays", response={200: list[HolidayOut], **errors(401, 422, 429)}, summary="List holidays")
@paginate
def list_holidays(request, filters: Query[HolidayFilter]):
    check(CAN_READ_CATALOG, request.auth)
    return selectors.holiday_list(year=filters.year, date_from=filters.date_from, date_to=filters.date_to)


@holidays.post(
    "/holidays", response={201: HolidayOut, **errors(401, 403, 409, 422, 429)}, summary="Add a holiday"
)
def create_holiday(request, payload: HolidayCreateIn):
    check(CAN_MANAGE_CATALOG, request.auth)
    director_only(request.auth, _("change the center's catalog"))
    return Status(201, services.holiday_create(**payload.dict()))


@holidays.patch(
    "/holidays/{holiday_id}",
    response={200: HolidayOut, **errors(401, 403, 404, 409, 422, 429)},
    summary="Update a holiday",
)
def update_holiday(request, holiday_id: int, payload: HolidayUpdateIn):
    check(CAN_MANAGE_CATALOG, request.auth)
    director_only(request.auth, _("change the center's catalog"))
    holiday = selectors.get_or_404(Holiday, holiday_id)
    return services.holiday_update(holiday=holiday, **payload.dict(exclude_unset=True, exclude_none=True))


@holidays.delete(
    "/holidays/{holiday_id}", response={204: None, **errors(401, 403, 404, 429)}, summary="Delete a holiday"
)
def delete_holiday(request, holiday_id: int):
    check(CAN_MANAGE_CATALOG, request.auth)
    director_only(request.auth, _("change the center's catalog"))
    services.holiday_delete(holiday=selectors.get_or_404(Holiday, holiday_id))
    return Status(204, None)

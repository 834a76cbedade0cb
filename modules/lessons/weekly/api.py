from ninja import Router, Status

from core.pagination import paginate
from core.permissions import check
from core.schemas import errors
from modules.courses import selectors
from modules.courses.models import LessonSchedule, Room
from modules.courses.permissions import CAN_MANAGE_GROUPS
from modules.lessons.schemas import ClashErrorOut
from modules.lessons.weekly import services
from modules.lessons.weekly.schemas import ScheduleCreateIn, ScheduleOut, ScheduleUpdateIn
from modules.lessons.weekly.selectors import group_schedules

router = Router(tags=["schedules"])


def _schedule(request, schedule_id: int) -> LessonSchedule:
    schedule = selectors.get_or_404(LessonSchedule, schedule_id, "Schedule")
    selectors.group_for(request.auth, schedule.group_id)  # someone else's group: 404
    check(CAN_MANAGE_GROUPS, request.auth)
    return schedule


@router.get(
    "/groups/{group_id}/schedules",
    response={200: list[ScheduleOut], **errors(401, 404, 429)},
    summary="A group's weekly schedule",
)
@paginate
def list_group_schedules(request, group_id: int):
    group = selectors.group_for(request.auth, group_id)
    return group_schedules(group.pk)


@router.post(
    "/groups/{group_id}/schedules",
    response={201: ScheduleOut, 409: ClashErrorOut, **errors(401, 403, 404, 422, 429)},
    summary="Add a weekly slot (409 listing clashes)",
)
def create_group_schedule(request, group_id: int, payload: ScheduleCreateIn):
    group = selectors.group_for(request.auth, group_id)
    check(CAN_MANAGE_GROUPS, request.auth)
    schedule = services.schedule_create(
        group=group,
        room=selectors.branch_ref(request.auth, Room, payload.room_id, "room_id"),
        **payload.dict(exclude={"room_id"}),
    )
    return Status(201, group_schedules(group.pk).get(pk=schedule.pk))


@router.patch(
    "/schedules/{schedule_id}",
    response={200: ScheduleOut, 409: ClashErrorOut, **errors(401, 403, 404, 422, 429)},
    summary="Change a weekly slot (a null room_id clears the override)",
)
def update_schedule(request, schedule_id: int, payload: ScheduleUpdateIn):
    schedule = _schedule(request, schedule_id)
    changes = payload.dict(exclude_unset=True)
    clear_room = "room_id" in changes and changes["room_id"] is None
    room = selectors.branch_ref(request.auth, Room, changes.pop("room_id", None), "room_id")
    schedule = services.schedule_update(
        schedule=schedule,
        room=room,
        clear_room=clear_room,
        **{k: v for k, v in changes.items() if v is not None or k == "valid_to"},
    )
    return group_schedules(schedule.group_id).get(pk=schedule.pk)


@router.delete(
    "/schedules/{schedule_id}",
    response={204: None, **errors(401, 403, 404, 429)},
    summary="Delete a weekly slot (generated lessons stay)",
)
def delete_schedule(request, schedule_id: int):
    services.schedule_delete(schedule=_schedule(request, schedule_id))
    return Status(204, None)

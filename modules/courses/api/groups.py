from ninja import Query, Router, Status

from core.idempotency import idempotent
from core.pagination import paginate
from core.permissions import check
from core.schemas import errors
from modules.courses import selectors
from modules.courses.models import Branch, Course, Room
from modules.courses.permissions import CAN_MANAGE_GROUPS
from modules.courses.schemas import GroupCreateIn, GroupFilter, GroupOut, GroupUpdateIn
from modules.courses.services import groups as services

router = Router(tags=["groups"])


@router.get(
    "/groups", response={200: list[GroupOut], **errors(401, 422, 429)}, summary="List groups you may see"
)
@paginate
def list_groups(request, filters: Query[GroupFilter]):
    return selectors.group_list(request.auth, **filters.dict())


@router.get("/groups/{group_id}", response={200: GroupOut, **errors(401, 404, 429)}, summary="Get a group")
def get_group(request, group_id: int):
    return selectors.group_for(request.auth, group_id)


@router.post("/groups", response={201: GroupOut, **errors(401, 403, 422, 429)}, summary="Create a group")
@idempotent
def create_group(request, payload: GroupCreateIn):
    check(CAN_MANAGE_GROUPS, request.auth)
    group = services.group_create(
        branch=selectors.branch_ref(request.auth, Branch, payload.branch_id, "branch_id"),
        course=selectors.ref(Course, payload.course_id, "course_id"),
        teacher=selectors.person_ref(request.auth, payload.teacher_id, "teacher_id"),
        room=selectors.branch_ref(request.auth, Room, payload.room_id, "room_id"),
        **payload.dict(exclude={"branch_id", "course_id", "teacher_id", "room_id"}),
    )
    return Status(201, selectors.group_for(request.auth, group.pk))


@router.patch(
    "/groups/{group_id}",
    response={200: GroupOut, **errors(401, 403, 404, 409, 422, 429)},
    summary="Update a group (a null room_id clears the room)",
)
def update_group(request, group_id: int, payload: GroupUpdateIn):
    group = selectors.group_for(request.auth, group_id)
    check(CAN_MANAGE_GROUPS, request.auth)
    changes = payload.dict(exclude_unset=True)
    teacher_id = changes.pop("teacher_id", None)
    clear_room = "room_id" in changes and changes["room_id"] is None
    room_id = changes.pop("room_id", None)
    services.group_update(
        group=group,
        teacher=selectors.person_ref(request.auth, teacher_id, "teacher_id"),
        room=selectors.branch_ref(request.auth, Room, room_id, "room_id"),
        clear_room=clear_room,
        **{k: v for k, v in changes.items() if v is not None},
    )
    return selectors.group_for(request.auth, group.pk)

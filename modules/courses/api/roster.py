from ninja import Query, Router, Status

from core.idempotency import idempotent
from core.pagination import paginate
from core.permissions import check
from core.schemas import errors
from modules.courses import selectors
from modules.courses.models import Group
from modules.courses.permissions import CAN_MANAGE_GROUPS, CAN_VIEW_ROSTER
from modules.courses.schemas import (
    FreezeIn,
    MembershipAddIn,
    MembershipFilter,
    MembershipOut,
    MembershipRemoveIn,
    MoveIn,
    UnfreezeIn,
)
from modules.courses.services import roster as services

router = Router(tags=["roster"])


def _member(request, group_id: int, student_id: int):
    group = selectors.group_for(request.auth, group_id)
    check(CAN_MANAGE_GROUPS, request.auth)
    return selectors.membership_of(group.pk, student_id)


def _fresh(membership):
    return selectors.group_memberships(membership.group_id).get(pk=membership.pk)


@router.get(
    "/groups/{group_id}/members",
    response={200: list[MembershipOut], **errors(401, 403, 404, 422, 429)},
    summary="A group's roster with history (left members included)",
)
@paginate
def list_group_members(request, group_id: int, filters: Query[MembershipFilter]):
    group = selectors.group_for(request.auth, group_id)
    check(CAN_VIEW_ROSTER, request.auth, group)
    return selectors.group_memberships(group.pk, status=filters.status)


@router.post(
    "/groups/{group_id}/members",
    response={201: MembershipOut, **errors(401, 403, 404, 409, 422, 429)},
    summary="Add a student to a group (409 when full)",
)
@idempotent
def add_group_member(request, group_id: int, payload: MembershipAddIn):
    group = selectors.group_for(request.auth, group_id)
    check(CAN_MANAGE_GROUPS, request.auth)
    membership = services.membership_add(
        group=group,
        student=selectors.person_ref(request.auth, payload.student_id, "student_id"),
        actor=request.auth,
        **payload.dict(exclude={"student_id"}),
    )
    return Status(201, _fresh(membership))


@router.post(
    "/groups/{group_id}/members/{student_id}/remove",
    response={200: MembershipOut, **errors(401, 403, 404, 409, 422, 429)},
    summary="Remove a student from a group (the membership is kept as history)",
)
def remove_group_member(request, group_id: int, student_id: int, payload: MembershipRemoveIn):
    membership = _member(request, group_id, student_id)
    return _fresh(
        services.membership_remove(membership=membership, actor=request.auth, left_on=payload.left_on)
    )


@router.post(
    "/groups/{group_id}/members/{student_id}/freeze",
    response={200: MembershipOut, **errors(401, 403, 404, 409, 422, 429)},
    summary="Pause a student for a date range",
)
def freeze_group_member(request, group_id: int, student_id: int, payload: FreezeIn):
    membership = _member(request, group_id, student_id)
    return _fresh(services.membership_freeze(membership=membership, actor=request.auth, **payload.dict()))


@router.post(
    "/groups/{group_id}/members/{student_id}/unfreeze",
    response={200: MembershipOut, **errors(401, 403, 404, 409, 422, 429)},
    summary="End a student's pause",
)
def unfreeze_group_member(request, group_id: int, student_id: int, payload: UnfreezeIn):
    membership = _member(request, group_id, student_id)
    return _fresh(services.membership_unfreeze(membership=membership, actor=request.auth, on=payload.on))


@router.post(
    "/groups/{group_id}/members/{student_id}/move",
    response={200: MembershipOut, **errors(401, 403, 404, 409, 422, 429)},
    summary="Move a student to another group (history kept); returns the new membership",
)
def move_group_member(request, group_id: int, student_id: int, payload: MoveIn):
    membership = _member(request, group_id, student_id)
    target = selectors.branch_ref(request.auth, Group, payload.to_group_id, "to_group_id")
    moved = services.membership_move(
        membership=membership, to_group=target, actor=request.auth, on=payload.on
    )
    return _fresh(moved)

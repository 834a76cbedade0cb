"""The front office: leads (list, create, read, edit, history, contacts), trial booking, convert,
the funnel report, and the public enquiry form of the center's website."""

from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from core.exceptions import ValidationFailed
from core.idempotency import idempotent
from core.pagination import paginate
from core.permissions import check
from core.schemas import errors
from modules.accounts.models import User
from modules.accounts.schemas import AcceptedOut
from modules.attendance.exports import OPENAPI_DOWNLOADS
from modules.courses.branches import branch_ids_of, default_branch_id, refuse_other_branch, report_branches
from modules.courses.models import Branch, Course, Group
from modules.courses.schemas import MembershipOut
from modules.courses.selectors import group_memberships, ref
from modules.crm import reports, selectors
from modules.crm.permissions import CAN_CONVERT, CAN_MANAGE_LEADS, CAN_SEE_FUNNEL
from modules.crm.schemas import (
    ContactIn,
    ConvertIn,
    ConvertOut,
    FunnelOut,
    FunnelQuery,
    LeadCreateIn,
    LeadDetailOut,
    LeadEventOut,
    LeadFilter,
    LeadOut,
    LeadUpdateIn,
    PublicLeadIn,
    TrialIn,
)
from modules.crm.services import convert, leads, trials
from modules.crm.throttling import PublicLeadIpThrottle, PublicLeadPhoneThrottle
from modules.lessons.selectors import lessons_visible_to
from modules.payments.exports import table_response

router = Router()
staff = Router(tags=["leads"])
public = Router(tags=["leads"])

PUBLIC_ANSWER = {"detail": "Thank you! The center will contact you soon."}


def _lead(request, lead_id: int):
    check(CAN_MANAGE_LEADS, request.auth)
    return selectors.lead_get(request.auth, lead_id)


def _branch(request, branch_id: int | None):
    """The branch a body names, checked against the caller's; a branch admin's default is their own."""
    refuse_other_branch(request.auth, branch_id, "branch_id")
    return ref(Branch, branch_id, "branch_id")


@staff.get(
    "/leads",
    response={200: list[LeadOut], **errors(401, 403, 422, 429)},
    summary="List leads (filters, search by name, phone or email, ordering)",
)
@paginate
def list_leads(request, filters: Query[LeadFilter]):
    check(CAN_MANAGE_LEADS, request.auth)
    return selectors.lead_list(request.auth, **filters.dict())


def _input(request, payload: LeadCreateIn) -> leads.LeadInput:
    branch_id = payload.branch_id if payload.branch_id is not None else default_branch_id(request.auth)
    return leads.LeadInput(
        first_name=payload.first_name,
        last_name=payload.last_name,
        phone=payload.phone,
        email=payload.email,
        source=payload.source,
        course=ref(Course, payload.course_id, "course_id"),
        branch=_branch(request, branch_id),
        assignee=ref(User, payload.assignee_id, "assignee_id"),
        notes=payload.notes,
        preferred_times=payload.preferred_times,
        language=payload.language,
    )


@staff.post(
    "/leads",
    response={200: LeadOut, 201: LeadOut, **errors(401, 403, 409, 422, 429)},
    summary="Take an enquiry (201 a new lead; 200 the open lead with that phone, updated)",
)
def create_lead(request, payload: LeadCreateIn):
    check(CAN_MANAGE_LEADS, request.auth)
    lead, created = leads.lead_capture(
        data=_input(request, payload), actor=request.auth, branches=branch_ids_of(request.auth)
    )
    return Status(201 if created else 200, selectors.lead_get(request.auth, lead.pk))


@staff.get(
    "/leads/{lead_id}", response={200: LeadDetailOut, **errors(401, 403, 404, 429)}, summary="Get a lead"
)
def get_lead(request, lead_id: int):
    check(CAN_MANAGE_LEADS, request.auth)
    return selectors.lead_detail(request.auth, lead_id)


@staff.patch(
    "/leads/{lead_id}",
    response={200: LeadDetailOut, **errors(401, 403, 404, 409, 422, 429)},
    summary="Edit a lead or move its status (lost needs lost_reason; 409 on a transition not allowed)",
)
def update_lead(request, lead_id: int, payload: LeadUpdateIn):
    lead = _lead(request, lead_id)
    data = payload.dict(exclude_unset=True)
    assignee_given = "assignee_id" in data
    assignee = ref(User, data.pop("assignee_id", None), "assignee_id")
    if "course_id" in data:
        data["course"] = ref(Course, data.pop("course_id"), "course_id")
    if "branch_id" in data:
        data["branch"] = _branch(request, data.pop("branch_id"))
    leads.lead_update(
        lead=lead, actor=request.auth, assignee=assignee, unassign=assignee_given and assignee is None, **data
    )
    return selectors.lead_detail(request.auth, lead.pk)


@staff.get(
    "/leads/{lead_id}/history",
    response={200: list[LeadEventOut], **errors(401, 403, 404, 429)},
    summary="A lead's append-only history: status changes and contacts",
)
@paginate
def list_lead_history(request, lead_id: int):
    return selectors.lead_history(_lead(request, lead_id))


@staff.post(
    "/leads/{lead_id}/contacts",
    response={201: LeadEventOut, **errors(401, 403, 404, 422, 429)},
    summary="Log a call, SMS, Telegram message or note (a new lead becomes contacted)",
)
@idempotent
def log_lead_contact(request, lead_id: int, payload: ContactIn):
    row = leads.lead_log_contact(
        lead=_lead(request, lead_id), kind=payload.kind, note=payload.note, actor=request.auth
    )
    return Status(201, selectors.lead_history(row.lead).get(pk=row.pk))


@staff.post(
    "/leads/{lead_id}/trial",
    response={200: LeadDetailOut, **errors(401, 403, 404, 409, 422, 429)},
    summary="Book the lead into a lesson as a trial guest (409 when full, past or cancelled)",
)
def book_lead_trial(request, lead_id: int, payload: TrialIn):
    lead = _lead(request, lead_id)
    lesson = lessons_visible_to(request.auth).select_related("group").filter(pk=payload.lesson_id).first()
    if lesson is None:
        raise ValidationFailed.field(
            "lesson_id",
            _("no lesson with id {lesson_id}").format(lesson_id=payload.lesson_id),
            code="unknown_reference",
        )
    refuse_other_branch(request.auth, lesson.group.branch_id, "lesson_id")
    trials.lead_book_trial(lead=lead, lesson=lesson, actor=request.auth)
    return selectors.lead_detail(request.auth, lead.pk)


@staff.post(
    "/leads/{lead_id}/convert",
    response={200: ConvertOut, **errors(401, 403, 404, 409, 422, 429)},
    summary="Make the lead a billed student of a group (repeating returns the same student and membership)",
)
def convert_lead(request, lead_id: int, payload: ConvertIn):
    check(CAN_CONVERT, request.auth)
    lead = selectors.lead_get(request.auth, lead_id)
    group = ref(Group, payload.group_id, "group_id")
    refuse_other_branch(request.auth, group.branch_id, "group_id")
    done = convert.lead_convert(
        lead=lead,
        group=group,
        actor=request.auth,
        joined_on=payload.joined_on,
        discount_type=payload.discount_type,
        discount_value=payload.discount_value,
        parents=[p.dict() for p in payload.parents],
    )
    membership = group_memberships(done.membership.group_id).get(pk=done.membership.pk)
    return {"student": done.student, "membership": MembershipOut.from_orm(membership)}


@staff.get(
    "/leads/reports/funnel",
    response={200: FunnelOut, **errors(401, 403, 404, 422, 429)},
    openapi_extra=OPENAPI_DOWNLOADS,
    summary="The funnel: stages, conversion, per source and assignee, median days to convert, lost reasons",
    description="Leads created in [date_from, date_to] (local days). `format=csv|xlsx` downloads it.",
)
def get_lead_funnel(request, query: Query[FunnelQuery]):
    check(CAN_SEE_FUNNEL, request.auth)
    filters = query.dict(exclude={"branch"})
    report = reports.funnel(**filters, branches=report_branches(request.auth, query.branch))
    if query.format != "json":
        return table_response("leads-funnel", query.format, *reports.funnel_table(report))
    return report


@public.post(
    "/public/leads",
    auth=None,
    throttle=[PublicLeadIpThrottle(), PublicLeadPhoneThrottle()],
    response={202: AcceptedOut, **errors(422, 429)},
    summary="The website's enquiry form (no login; always the same answer)",
    description=(
        "Creates a lead (source `website`) or adds the enquiry to the open lead with that phone; the "
        "answer is the same either way. Limited per address and per phone (429 with Retry-After)."
    ),
)
def submit_public_lead(request, payload: PublicLeadIn):
    if not payload.website:  # a filled trap field is a bot: answered the same, kept nowhere
        leads.lead_capture_public(
            first_name=payload.first_name,
            phone=payload.phone,
            course_id=payload.course_id,
            branch_id=payload.branch_id,
            message=payload.message or "",
        )
    return Status(202, PUBLIC_ANSWER)


router.add_router("", public)
router.add_router("", staff)

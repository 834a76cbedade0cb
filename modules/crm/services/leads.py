"""Leads: one open lead per phone (a repeat enquiry updates it), status transitions, contacts, and
the append-only history every change writes."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import Conflict, ValidationFailed
from core.tasks import enqueue
from modules.accounts.models import User
from modules.accounts.phones import InvalidPhone, normalize_phone
from modules.attendance.trials import trial_guests_cancel
from modules.courses.models import Branch, Course
from modules.crm.models import CLOSED, Lead, LeadEvent, Source, Status

# What PATCH may set. trial_scheduled, trial_attended and won have their own paths (the trial
# endpoint, the attendance sheet, convert); won and lost are final: a new enquiry opens a new lead.
TRANSITIONS: dict[str, set[str]] = {
    Status.NEW: {Status.CONTACTED, Status.LOST},
    Status.CONTACTED: {Status.LOST},
    Status.TRIAL_SCHEDULED: {Status.CONTACTED, Status.LOST},
    Status.TRIAL_ATTENDED: {Status.CONTACTED, Status.LOST},
    Status.WON: set(),
    Status.LOST: set(),
}
EDITABLE = ("first_name", "last_name", "email", "course", "branch", "preferred_times", "language", "notes")


@dataclass
class LeadInput:
    first_name: str
    phone: str
    last_name: str = ""
    email: str | None = None
    source: str = Source.OTHER
    course: Course | None = None
    branch: Branch | None = None
    assignee: User | None = None
    notes: str | None = None
    preferred_times: str | None = None
    language: str | None = None


def phone_of(raw: str, field: str = "phone") -> str:
    try:
        return normalize_phone(raw)
    except InvalidPhone as exc:
        raise ValidationFailed.field(field, str(exc), code="invalid_phone") from exc


def ensure_assignable(user: User | None) -> None:
    if user is not None and (user.role not in (User.Role.ADMIN, User.Role.TEACHER) or not user.is_active):
        raise ValidationFailed.field("assignee_id", _("leads are assigned to active staff"), code="not_staff")


def event(lead: Lead, kind: str, actor: User | None, **fields) -> LeadEvent:
    return LeadEvent.objects.create(lead=lead, kind=kind, actor=actor, **fields)


def set_status(lead: Lead, to: str, *, actor: User | None, note: str = "", data: dict | None = None) -> bool:
    """Moves the (locked) lead to `to` and writes the history row; False when it already was."""
    if lead.status == to:
        return False
    before, now = lead.status, timezone.now()
    lead.status = to
    if to == Status.WON:
        lead.won_at = now
    if to == Status.LOST:
        lead.lost_at = now
    lead.save()
    event(lead, LeadEvent.Kind.STATUS, actor, from_status=before, to_status=to, note=note, data=data or {})
    return True


def locked(lead: Lead) -> Lead:
    return Lead.objects.select_for_update().get(pk=lead.pk)


def _open_lead(phone: str) -> Lead | None:
    return Lead.objects.select_for_update().filter(phone=phone).exclude(status__in=CLOSED).first()


def _apply_enquiry(lead: Lead, data: LeadInput) -> dict:
    """A repeat enquiry: what it says that is new fills the lead in (notes are appended)."""
    changed = {}
    for name in ("first_name", "last_name", "email", "course", "branch", "preferred_times", "language"):
        value = getattr(data, name)
        if value not in (None, "") and getattr(lead, name) != value:
            setattr(lead, name, value)
            changed[name] = str(value)
    if data.notes:
        lead.notes = f"{lead.notes}\n{data.notes}".strip()
    if data.assignee is not None and lead.assignee_id is None:
        lead.assignee = data.assignee
        changed["assignee_id"] = data.assignee.pk
    lead.save()
    return changed


def _ensure_reachable(lead: Lead | None, branches: frozenset[int] | None) -> None:
    """A branch admin's enquiry for a phone whose open lead is another branch's: that lead is not
    theirs to update (nor to see), and a second open lead per phone cannot exist, so it is a 409."""
    if lead is not None and branches is not None and lead.branch_id not in (None, *branches):
        raise Conflict(_("This phone has an open lead in another branch."), code="lead_in_other_branch")


@transaction.atomic
def lead_capture(
    *, data: LeadInput, actor: User | None, branches: frozenset[int] | None = None
) -> tuple[Lead, bool]:
    """Creates a lead, or updates the open lead with the same phone. Returns (lead, created).
    `branches`: the caller's (a branch admin's), whose leads alone an enquiry may update."""
    data.phone = phone_of(data.phone)
    ensure_assignable(data.assignee)
    lead = _open_lead(data.phone)
    _ensure_reachable(lead, branches)
    if lead is None:
        try:
            with transaction.atomic():
                lead = _create(data, actor)
            return lead, True
        except IntegrityError:  # another enquiry with this phone won the race: update that one
            lead = _open_lead(data.phone)
            _ensure_reachable(lead, branches)
            if lead is None:  # ... and was closed in the meantime
                raise Conflict(
                    _("This phone's lead changed meanwhile; try again."), code="lead_changed"
                ) from None
    changed = _apply_enquiry(lead, data)
    event(lead, LeadEvent.Kind.ENQUIRY, actor, note=data.notes or "", data={"source": data.source, **changed})
    return lead, False


def _create(data: LeadInput, actor: User | None) -> Lead:
    lead = Lead.objects.create(
        first_name=data.first_name,
        last_name=data.last_name or "",
        phone=data.phone,
        email=data.email or "",
        source=data.source,
        course=data.course,
        branch=data.branch,
        assignee=data.assignee,
        notes=data.notes or "",
        preferred_times=data.preferred_times or "",
        language=data.language or "uz",
    )
    event(lead, LeadEvent.Kind.CREATED, actor, to_status=lead.status, data={"source": lead.source})
    if data.source == Source.WEBSITE:
        enqueue("modules.crm.tasks.notify_new_lead", lead.pk)
    return lead


def _check_transition(lead: Lead, to: str) -> None:
    allowed = TRANSITIONS[lead.status]
    if to not in allowed:
        raise Conflict(
            _("A {status} lead cannot be moved to {to} here.").format(
                status=lead.get_status_display().lower(), to=Status(to).label.lower()
            ),
            code="invalid_transition",
            extra={"allowed": sorted(allowed)},
        )


@transaction.atomic
def lead_update(
    *,
    lead: Lead,
    actor: User | None,
    status: str | None = None,
    lost_reason: str | None = None,
    assignee: User | None = None,
    unassign: bool = False,
    **fields,
) -> Lead:
    """Edits a lead; a status change follows TRANSITIONS (lost needs a reason; back to contacted
    from a booked trial gives up the booking)."""
    lead = locked(lead)
    for name, value in fields.items():
        if name in EDITABLE and value is not None:
            setattr(lead, name, value)
    if assignee is not None or unassign:
        _assign(lead, assignee, actor)
    lead.save()
    if status is not None and status != lead.status:
        _check_transition(lead, status)
        if status == Status.LOST:
            if not (lost_reason or "").strip():
                raise ValidationFailed.field(
                    "lost_reason", _("required when the status is lost"), code="lost_reason_required"
                )
            lead.lost_reason = lost_reason.strip()
        if lead.status == Status.TRIAL_SCHEDULED or status == Status.LOST:
            trial_guests_cancel(lead_id=lead.pk)
        set_status(lead, status, actor=actor, note=lead.lost_reason if status == Status.LOST else "")
    return lead


def _assign(lead: Lead, assignee: User | None, actor: User | None) -> None:
    ensure_assignable(assignee)
    new_id = assignee.pk if assignee else None
    if lead.assignee_id == new_id:
        return
    data = {"from": lead.assignee_id, "to": new_id}
    lead.assignee = assignee
    event(lead, LeadEvent.Kind.ASSIGNED, actor, data=data)


@transaction.atomic
def lead_assign(*, lead: Lead, assignee: User | None, actor: User | None) -> Lead:
    lead = locked(lead)
    _assign(lead, assignee, actor)
    lead.save()
    return lead


@transaction.atomic
def lead_log_contact(*, lead: Lead, kind: str, note: str, actor: User | None) -> LeadEvent:
    """A call, SMS, Telegram message or note. Reaching a new lead (not a note) makes it contacted."""
    lead = locked(lead)
    row = event(lead, kind, actor, note=note)
    if kind != LeadEvent.Kind.NOTE and lead.status == Status.NEW:
        set_status(lead, Status.CONTACTED, actor=actor, note=f"after a {kind}")
    return row


@transaction.atomic
def lead_mark_contacted(*, lead: Lead, actor: User | None) -> bool:
    """The admin's "mark contacted": only a new lead moves (others are further along already)."""
    lead = locked(lead)
    return lead.status == Status.NEW and set_status(lead, Status.CONTACTED, actor=actor)


def _active(model, pk: int | None):
    """A public form may carry a stale id: an unknown or inactive course or branch is left out."""
    if pk is None:
        return None
    return model.objects.filter(pk=pk, is_active=True).first()


def lead_capture_public(
    *, first_name: str, phone: str, course_id: int | None, branch_id: int | None, message: str
) -> Lead:
    """The website form: a lead with source website (a repeat adds the message to the open lead)."""
    data = LeadInput(
        first_name=first_name,
        phone=phone,
        source=Source.WEBSITE,
        course=_active(Course, course_id),
        branch=_active(Branch, branch_id),
        notes=f"Website: {message}" if message else None,
    )
    lead, _ = lead_capture(data=data, actor=None)
    return lead

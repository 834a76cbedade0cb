"""Trial lessons: booking a lead into a real lesson (a trial guest on its attendance sheet), and
moving the lead on once the teacher marks the guest."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import Conflict
from modules.accounts.models import User
from modules.attendance.models import TrialVisit
from modules.attendance.trials import trial_guest_add, trial_guests_cancel
from modules.crm.models import Lead, LeadEvent, Status
from modules.crm.services.leads import event, locked, set_status
from modules.lessons.models import Lesson

ATTENDED = ("present", "late")


@transaction.atomic
def lead_book_trial(*, lead: Lead, lesson: Lesson, actor: User | None) -> TrialVisit:
    """Books the lead into `lesson` (409 when it is full, past or cancelled); a pending booking of
    another lesson is given up. The lead becomes trial_scheduled."""
    lead = locked(lead)
    if not lead.is_open:
        raise Conflict(
            _("The lead is already {status}.").format(status=lead.get_status_display().lower()),
            code="lead_closed",
        )
    trial_guests_cancel(lead_id=lead.pk)
    visit = trial_guest_add(
        lesson_id=lesson.pk,
        lead_id=lead.pk,
        first_name=lead.first_name,
        last_name=lead.last_name,
        phone=lead.phone,
        actor=actor,
    )
    if lead.trial_booked_at is None:
        lead.trial_booked_at = timezone.now()
        lead.save(update_fields=["trial_booked_at", "updated_at"])
    data = {"lesson_id": lesson.pk, "starts_at": visit.lesson.starts_at.isoformat()}
    event(lead, LeadEvent.Kind.TRIAL_BOOKED, actor, data=data)
    set_status(lead, Status.TRIAL_SCHEDULED, actor=actor, data=data)
    return visit


def _latest_visit(lead_id: int) -> TrialVisit | None:
    return (
        TrialVisit.objects.filter(lead_id=lead_id)
        .select_related("lesson")
        .order_by("-lesson__starts_at")
        .first()
    )


@transaction.atomic
def lead_apply_trial_mark(*, visit_id: int) -> str | None:
    """What the guest's current mark means for the lead: present or late → trial_attended; absent or
    excused at the lead's latest trial → back to contacted. Reads current state, so running it again
    (or for an older mark) changes nothing. Returns the lead's new status, or None."""
    visit = TrialVisit.objects.select_related("lesson").filter(pk=visit_id).first()
    if visit is None or visit.status is None:
        return None
    lead = Lead.objects.select_for_update().filter(pk=visit.lead_id).first()
    if lead is None or not lead.is_open:
        return None
    actor = User.objects.filter(pk=visit.marked_by_id).first()
    data = {"lesson_id": visit.lesson_id, "mark": visit.status}
    if visit.status in ATTENDED:
        if lead.status in (Status.NEW, Status.CONTACTED, Status.TRIAL_SCHEDULED):
            set_status(lead, Status.TRIAL_ATTENDED, actor=actor, data=data)
            return lead.status
        return None
    latest = _latest_visit(lead.pk)
    if (
        latest is not None
        and latest.pk == visit.pk
        and lead.status in (Status.TRIAL_SCHEDULED, Status.TRIAL_ATTENDED)
    ):
        set_status(lead, Status.CONTACTED, actor=actor, note="missed the trial", data=data)
        return lead.status
    return None

"""Trial lessons: booking (capacity, past, cancelled), the guest on the attendance sheet, marking it
with the students, and the lead moving on."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from modules.attendance.models import TrialVisit
from modules.crm.models import Lead
from tests.factories.accounts import StudentFactory
from tests.factories.courses import MembershipFactory, local_dt, local_today
from tests.factories.crm import LeadFactory
from tests.factories.lessons import LessonFactory


def _book(api, admin, lead, lesson):
    return api(admin).post(f"/leads/{lead.pk}/trial", {"lesson_id": lesson.pk})


def test_booking_makes_the_lead_trial_scheduled(api, admin, lead, future_lesson):
    response = _book(api, admin, lead, future_lesson)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "trial_scheduled"
    assert body["trial_booked_at"] is not None
    assert body["trials"] == [
        {
            "lesson_id": future_lesson.pk,
            "group_id": future_lesson.group_id,
            "starts_at": body["trials"][0]["starts_at"],
            "status": None,
        }
    ]
    kinds = [e["kind"] for e in api(admin).get(f"/leads/{lead.pk}/history").json()["items"]]
    assert kinds[-2:] == ["trial_booked", "status"]


def test_a_full_lesson_is_409(api, admin, group, future_lesson):
    # room for 3: the member plus two guests fill it
    for _ in range(2):
        assert _book(api, admin, LeadFactory(), future_lesson).status_code == 200
    response = _book(api, admin, LeadFactory(), future_lesson)
    assert response.status_code == 409
    assert response.json()["code"] == "lesson_full"
    assert TrialVisit.objects.filter(lesson=future_lesson).count() == 2


def test_members_count_against_the_room(api, admin, group, future_lesson):
    for _ in range(2):
        MembershipFactory(group=group, student=StudentFactory())
    assert _book(api, admin, LeadFactory(), future_lesson).json()["code"] == "lesson_full"


def test_past_and_cancelled_lessons_are_409(api, admin, lead, group):
    past = LessonFactory(group=group, starts_at=local_dt(local_today() - timedelta(days=1)))
    cancelled = LessonFactory(
        group=group, starts_at=local_dt(local_today() + timedelta(days=5)), status="cancelled"
    )
    assert _book(api, admin, lead, past).json()["code"] == "lesson_past"
    assert _book(api, admin, lead, cancelled).json()["code"] == "lesson_cancelled"
    assert Lead.objects.get(pk=lead.pk).status == "new"


def test_rebooking_moves_the_pending_booking(api, admin, lead, group, future_lesson):
    later = LessonFactory(group=group, starts_at=local_dt(local_today() + timedelta(days=6)))
    _book(api, admin, lead, future_lesson)
    _book(api, admin, lead, later)
    assert list(TrialVisit.objects.filter(lead_id=lead.pk).values_list("lesson_id", flat=True)) == [later.pk]


def test_a_closed_lead_cannot_book(api, admin, future_lesson):
    lead = LeadFactory(status="lost", lost_reason="moved away")
    assert _book(api, admin, lead, future_lesson).json()["code"] == "lead_closed"


def test_unknown_lesson_is_422(api, admin, lead):
    assert api(admin).post(f"/leads/{lead.pk}/trial", {"lesson_id": 999999}).status_code == 422


def test_the_teacher_sees_the_guest_students_and_parents_do_not(
    api, admin, teacher, student, parent, lead, future_lesson
):
    _book(api, admin, lead, future_lesson)
    sheet = api(teacher).get(f"/lessons/{future_lesson.pk}/attendance").json()
    assert [(t["lead_id"], t["phone"], t["status"]) for t in sheet["trials"]] == [(lead.pk, lead.phone, None)]
    for user in (student, parent):
        assert api(user).get(f"/lessons/{future_lesson.pk}/attendance").json()["trials"] == []


def _started(lesson):
    return time_machine.travel(lesson.starts_at + timedelta(minutes=30), tick=False)


@pytest.mark.parametrize(
    "mark, after", [("present", "trial_attended"), ("late", "trial_attended"), ("absent", "contacted")]
)
def test_marking_the_guest_moves_the_lead(
    api, admin, teacher, student, lead, future_lesson, run_on_commit, mark, after
):
    _book(api, admin, lead, future_lesson)
    with _started(future_lesson), run_on_commit():
        response = api(teacher).put(
            f"/lessons/{future_lesson.pk}/attendance",
            {
                "records": [{"student_id": student.pk, "status": "present"}],
                "trials": [{"lead_id": lead.pk, "status": mark}],
            },
        )
    assert response.status_code == 200, response.content
    assert response.json()["trials"][0]["status"] == mark
    assert Lead.objects.get(pk=lead.pk).status == after
    last = api(admin).get(f"/leads/{lead.pk}/history").json()["items"][-1]
    assert (last["kind"], last["to_status"], last["actor"]["id"]) == ("status", after, teacher.pk)


def test_trials_alone_can_be_marked_and_the_task_is_idempotent(
    api, admin, teacher, lead, future_lesson, run_on_commit
):
    from modules.crm.tasks import apply_trial_marks

    _book(api, admin, lead, future_lesson)
    with _started(future_lesson), run_on_commit():
        response = api(teacher).put(
            f"/lessons/{future_lesson.pk}/attendance", {"trials": [{"lead_id": lead.pk, "status": "present"}]}
        )
    assert response.status_code == 200
    visit = TrialVisit.objects.get(lead_id=lead.pk)
    assert apply_trial_marks([visit.pk]) == [None]  # already trial_attended: nothing changes
    assert Lead.objects.get(pk=lead.pk).events.filter(kind="status", to_status="trial_attended").count() == 1


def test_marking_a_lead_not_booked_here_is_422(api, admin, teacher, future_lesson):
    other = LeadFactory()
    with _started(future_lesson):
        response = api(teacher).put(
            f"/lessons/{future_lesson.pk}/attendance",
            {"trials": [{"lead_id": other.pk, "status": "present"}]},
        )
    assert response.status_code == 422
    assert response.json()["code"] == "trials_not_booked"


def test_guests_cannot_be_marked_present_before_the_lesson(api, admin, teacher, lead, future_lesson):
    _book(api, admin, lead, future_lesson)
    response = api(teacher).put(
        f"/lessons/{future_lesson.pk}/attendance", {"trials": [{"lead_id": lead.pk, "status": "present"}]}
    )
    assert response.status_code == 409
    assert TrialVisit.objects.get(lead_id=lead.pk).status is None


def test_another_teacher_cannot_mark_the_guest(api, admin, lead, future_lesson):
    from tests.factories.accounts import TeacherFactory

    _book(api, admin, lead, future_lesson)
    with _started(future_lesson):
        response = api(TeacherFactory()).put(
            f"/lessons/{future_lesson.pk}/attendance", {"trials": [{"lead_id": lead.pk, "status": "present"}]}
        )
    assert response.status_code == 404


def test_empty_mark_is_422(api, teacher, future_lesson):
    assert (
        api(teacher).put(f"/lessons/{future_lesson.pk}/attendance", {"records": [], "trials": []}).status_code
        == 422
    )


def test_trial_marked_signal_carries_the_changes(admin, teacher, lead, future_lesson):
    from modules.attendance.services import attendance_mark_bulk
    from modules.attendance.signals import trial_marked
    from modules.crm.services.trials import lead_book_trial

    visit = lead_book_trial(lead=lead, lesson=future_lesson, actor=admin)
    heard = []

    def listen(sender, lesson, changes, actor, **kwargs):
        heard.append((lesson.pk, changes, actor.pk))

    trial_marked.connect(listen)
    try:
        with _started(future_lesson):
            attendance_mark_bulk(
                lesson=future_lesson,
                actor=teacher,
                records=[],
                trials=[{"lead_id": lead.pk, "status": "absent"}],
            )
            attendance_mark_bulk(
                lesson=future_lesson,
                actor=teacher,
                records=[],
                trials=[{"lead_id": lead.pk, "status": "absent"}],
            )
    finally:
        trial_marked.disconnect(listen)
    assert heard == [
        (
            future_lesson.pk,
            [{"lead_id": lead.pk, "visit_id": visit.pk, "before": None, "after": "absent"}],
            teacher.pk,
        )
    ]


def test_back_to_contacted_gives_up_the_booking(api, admin, lead, future_lesson):
    _book(api, admin, lead, future_lesson)
    response = api(admin).patch(f"/leads/{lead.pk}", {"status": "contacted"})
    assert response.status_code == 200
    assert response.json()["trials"] == []
    assert not TrialVisit.objects.filter(lead_id=lead.pk).exists()

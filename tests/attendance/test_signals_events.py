from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from modules.attendance import services
from modules.attendance.models import AttendanceRecord
from tests.factories.accounts import StudentFactory
from tests.factories.courses import MembershipFactory


def url(lesson):
    return f"/lessons/{lesson.pk}/attendance"


def test_signal_carries_only_status_changes_once_per_bulk(
    api, teacher, student, classmates, past_lesson, signals, run_on_commit
):
    api(teacher).put(url(past_lesson), {"records": [{"student_id": student.pk, "status": "present"}]})
    assert len(signals["attendance_marked"]) == 1
    body = {
        "records": [
            {"student_id": student.pk, "status": "present", "note": "note only"},
            {"student_id": classmates[0].pk, "status": "absent"},
            {"student_id": classmates[1].pk, "status": "late"},
        ]
    }
    api(teacher).put(url(past_lesson), body)
    assert len(signals["attendance_marked"]) == 2
    call = signals["attendance_marked"][1]
    assert call["lesson"].pk == past_lesson.pk and call["actor"] == teacher
    changes = sorted(call["changes"], key=lambda c: c["student_id"])
    rec = dict(AttendanceRecord.objects.values_list("student_id", "pk"))
    assert changes == sorted(
        [
            {
                "student_id": classmates[0].pk,
                "before": None,
                "after": "absent",
                "record_id": rec[classmates[0].pk],
            },
            {
                "student_id": classmates[1].pk,
                "before": None,
                "after": "late",
                "record_id": rec[classmates[1].pk],
            },
        ],
        key=lambda c: c["student_id"],
    )
    api(teacher).put(url(past_lesson), {"records": [{"student_id": classmates[0].pk, "status": "absent"}]})
    assert len(signals["attendance_marked"]) == 2  # nothing changed: no signal


def test_event_sent_after_commit_on_group_and_dashboard(
    api, teacher, student, group, past_lesson, events, run_on_commit
):
    with run_on_commit():
        api(teacher).put(
            url(past_lesson), {"records": [{"student_id": student.pk, "status": "late", "note": "bus"}]}
        )
    sent = {e["channel"]: e["data"] for e in events if e["type"] == "attendance.updated"}
    branch_dashboard = f"dashboard:{group.branch_id}"
    assert sorted(sent) == sorted(
        [f"group:{group.pk}", f"group_staff:{group.pk}", "dashboard", branch_dashboard]
    )
    # students and parents hear that the sheet changed, never whose line or what it says
    assert sent[f"group:{group.pk}"] == {"lesson_id": past_lesson.pk, "group_id": group.pk, "records": []}
    for channel in (f"group_staff:{group.pk}", "dashboard"):
        data = sent[channel]
        assert data["lesson_id"] == past_lesson.pk and data["group_id"] == group.pk
        assert [(r["student"]["id"], r["status"], r["note"]) for r in data["records"]] == [
            (student.pk, "late", "bus")
        ]
    events.clear()
    with run_on_commit():
        api(teacher).put(url(past_lesson), {"records": [{"student_id": student.pk, "status": "late"}]})
    assert events == []  # no change, no event


def test_nothing_sent_when_the_transaction_rolls_back(
    teacher, student, past_lesson, signals, events, run_on_commit
):
    with run_on_commit(), pytest.raises(RuntimeError), transaction.atomic():
        services.attendance_mark_bulk(
            lesson=past_lesson, actor=teacher, records=[{"student_id": student.pk, "status": "present"}]
        )
        raise RuntimeError("a later step failed")
    assert events == []
    assert not AttendanceRecord.objects.exists()
    past_lesson.refresh_from_db()
    assert past_lesson.status == "scheduled"


def test_failed_bulk_sends_nothing(
    api, teacher, student, outsider, past_lesson, signals, events, run_on_commit
):
    with run_on_commit():
        body = {
            "records": [
                {"student_id": student.pk, "status": "present"},
                {"student_id": outsider.pk, "status": "absent"},
            ]
        }
        assert api(teacher).put(url(past_lesson), body).status_code == 422
    assert events == [] and signals["attendance_marked"] == [] and signals["lesson_changed"] == []


def _mark_all(teacher, lesson, students, status):
    services.attendance_mark_bulk(
        lesson=lesson, actor=teacher, records=[{"student_id": s.pk, "status": status} for s in students]
    )


def _statements(ctx) -> list[str]:
    """Every statement of the request, SAVEPOINT and RELEASE included."""
    return [q["sql"] for q in ctx.captured_queries]


def test_put_attendance_budget_with_every_receiver_connected(
    api, teacher, group, lessons, student, classmates, settings
):
    """Issue 15: a 30-student mark ran 727 statements because coins, notifications and audit ran in
    the request. Now: attendance's own work, one audit entry, and one queued task per interested
    module (the ORM broker's outbox rows are written, as in production), the same for 3 or 30."""
    from django_q.models import OrmQ

    from modules.center.selectors import get_system_settings

    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": False}  # enqueue writes the task rows
    get_system_settings()  # warm the settings cache, as in a running server
    many = [student, *classmates] + [StudentFactory() for _ in range(27)]
    for s in many[3:]:
        MembershipFactory(group=group, student=s)
    client = api(teacher)
    counts = []
    for lesson, students in ((lessons[0], many[:3]), (lessons[1], many)):
        body = {"records": [{"student_id": s.pk, "status": "present"} for s in students]}
        client.get(url(lesson))  # the same client's session/auth caches, as in a running app
        with CaptureQueriesContext(connection) as ctx:
            assert client.put(url(lesson), body).status_code == 200
        counts.append(len(_statements(ctx)))
    assert counts[0] == counts[1], counts
    # 13: its reads, writes and lock, one audit INSERT and one INSERT of both modules' task rows
    assert counts[1] <= 13, (counts, "\n".join(q[:150] for q in _statements(ctx)))
    funcs = sorted(q.func() for q in OrmQ.objects.all())
    assert funcs.count("modules.gamification.tasks.apply_attendance") == 2
    assert funcs.count("modules.notifications.tasks.react") == 2
    # a full re-mark (updates + history) stays within the budget too
    body = {"records": [{"student_id": s.pk, "status": "absent"} for s in many]}
    with CaptureQueriesContext(connection) as ctx:
        assert client.put(url(lessons[1]), body).status_code == 200
    assert len(_statements(ctx)) <= 15, _statements(ctx)


def test_get_sheet_query_count_is_constant(api, teacher, group, lessons, student, classmates):
    from django.db import connection as conn

    _mark_all(teacher, lessons[0], [student], "present")
    more = [StudentFactory() for _ in range(20)]
    for s in more:
        MembershipFactory(group=group, student=s)
    _mark_all(teacher, lessons[1], [student, *classmates, *more], "present")
    counts = []
    for lesson in lessons[:2]:
        with CaptureQueriesContext(conn) as ctx:
            assert api(teacher).get(url(lesson)).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_event_record_shape_matches_the_api_schema(teacher, student, past_lesson, events, run_on_commit):
    """The staff event's lines are AttendanceRecordOut itself (its model builds them)."""
    from modules.attendance.schemas import AttendanceRecordOut
    from modules.attendance.selectors import AttendanceRow

    with run_on_commit():
        outcome = services.attendance_mark_bulk(
            lesson=past_lesson,
            actor=teacher,
            records=[{"student_id": student.pk, "status": "late", "note": "x"}],
        )
    row = AttendanceRow.of(outcome.records[student.pk], on_roster=True)
    [staff] = [
        e for e in events if e["type"] == "attendance.updated" and e["channel"].startswith("group_staff")
    ]
    assert staff["data"]["records"] == [AttendanceRecordOut.from_orm(row).model_dump()]

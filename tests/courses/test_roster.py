from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from modules.courses.models import Membership
from modules.courses.selectors import roster_student_ids
from modules.courses.services.roster import memberships_sync_status
from modules.courses.signals import membership_changed
from tests.factories.accounts import ParentFactory, StudentFactory
from tests.factories.courses import GroupFactory, MembershipFactory


@pytest.fixture
def changes():
    seen = []

    def receiver(sender, membership, change, actor, **kwargs):
        seen.append((change, membership.pk, getattr(actor, "pk", None)))

    membership_changed.connect(receiver, weak=False)
    yield seen
    membership_changed.disconnect(receiver)


def test_admin_adds_a_student(api, admin, group, changes):
    newcomer = StudentFactory()
    res = api(admin).post(
        f"/groups/{group.pk}/members",
        {"student_id": newcomer.pk, "discount_type": "percent", "discount_value": 10},
    )
    assert res.status_code == 201, res.json()
    body = res.json()
    assert (
        body["student"]["id"] == newcomer.pk and body["status"] == "active" and body["discount_value"] == 10
    )
    assert changes == [("joined", body["id"], admin.pk)]


@pytest.mark.parametrize(
    "who,status", [("teacher", 403), ("student", 403), ("parent", 403), ("outsider", 404)]
)
def test_only_admins_change_the_roster(api, request, group, who, status):
    user = request.getfixturevalue(who)
    newcomer = StudentFactory()
    assert api(user).post(f"/groups/{group.pk}/members", {"student_id": newcomer.pk}).status_code == status
    assert not Membership.objects.filter(student=newcomer).exists()


@pytest.mark.parametrize(
    "who,status", [("admin", 200), ("teacher", 200), ("student", 403), ("parent", 403), ("outsider", 404)]
)
def test_who_reads_the_roster(api, request, group, who, status):
    res = api(request.getfixturevalue(who)).get(f"/groups/{group.pk}/members")
    assert res.status_code == status
    if status == 200:
        assert res.json()["count"] == 1


def test_full_group_is_409_and_non_student_is_422(api, admin, group, teacher):
    for _ in range(2):
        MembershipFactory(group=group)
    res = api(admin).post(f"/groups/{group.pk}/members", {"student_id": StudentFactory().pk})
    assert res.status_code == 409 and res.json()["code"] == "group_full"
    res = api(admin).post(f"/groups/{group.pk}/members", {"student_id": ParentFactory().pk})
    assert res.status_code == 422 and res.json()["code"] == "not_a_student"
    assert group.memberships.count() == 3


def test_duplicate_member_is_409(api, admin, group, student):
    group.capacity = 10
    group.save()
    res = api(admin).post(f"/groups/{group.pk}/members", {"student_id": student.pk})
    assert res.status_code == 409 and res.json()["code"] == "already_member"


def test_remove_keeps_history(api, admin, group, student, changes):
    res = api(admin).post(f"/groups/{group.pk}/members/{student.pk}/remove", {})
    assert res.status_code == 200
    assert res.json()["status"] == "left" and res.json()["left_on"] == timezone.localdate().isoformat()
    assert Membership.objects.filter(group=group, student=student).count() == 1
    assert roster_student_ids(group.pk, timezone.localdate()) == []
    assert changes[-1][0] == "left"
    again = api(admin).post(f"/groups/{group.pk}/members/{student.pk}/remove", {})
    assert again.status_code == 404  # no open membership any more
    # history is still listed
    assert api(admin).get(f"/groups/{group.pk}/members", {"status": "left"}).json()["count"] == 1


def test_freeze_takes_the_student_off_those_rosters(api, admin, group, student, changes):
    today = timezone.localdate()
    start, end = today + timedelta(days=3), today + timedelta(days=10)
    res = api(admin).post(
        f"/groups/{group.pk}/members/{student.pk}/freeze",
        {"start_date": start.isoformat(), "end_date": end.isoformat(), "reason": "trip"},
    )
    assert res.status_code == 200, res.json()
    assert res.json()["status"] == "active"  # the pause has not started yet
    assert res.json()["freezes"][0]["reason"] == "trip"
    assert roster_student_ids(group.pk, today) == [student.pk]
    assert roster_student_ids(group.pk, start) == []
    assert roster_student_ids(group.pk, end + timedelta(days=1)) == [student.pk]
    overlap = api(admin).post(
        f"/groups/{group.pk}/members/{student.pk}/freeze",
        {"start_date": end.isoformat(), "end_date": (end + timedelta(days=2)).isoformat()},
    )
    assert overlap.status_code == 409 and overlap.json()["code"] == "freeze_overlap"
    backwards = api(admin).post(
        f"/groups/{group.pk}/members/{student.pk}/freeze",
        {"start_date": end.isoformat(), "end_date": start.isoformat()},
    )
    assert backwards.status_code == 422
    # the nightly job flips the status on the first frozen day, silently
    assert memberships_sync_status(today=start) == 1
    assert Membership.objects.get(group=group, student=student).status == "frozen"
    assert [c[0] for c in changes] == ["frozen"]


def test_unfreeze_cuts_the_pause_short(api, admin, group, student):
    today = timezone.localdate()
    api(admin).post(
        f"/groups/{group.pk}/members/{student.pk}/freeze",
        {
            "start_date": (today - timedelta(days=2)).isoformat(),
            "end_date": (today + timedelta(days=5)).isoformat(),
        },
    )
    assert Membership.objects.get(group=group, student=student).status == "frozen"
    assert roster_student_ids(group.pk, today) == []
    res = api(admin).post(f"/groups/{group.pk}/members/{student.pk}/unfreeze", {})
    assert res.status_code == 200 and res.json()["status"] == "active"
    assert res.json()["freezes"][0]["end_date"] == (today - timedelta(days=1)).isoformat()
    assert roster_student_ids(group.pk, today) == [student.pk]
    again = api(admin).post(f"/groups/{group.pk}/members/{student.pk}/unfreeze", {})
    assert again.status_code == 409 and again.json()["code"] == "not_frozen"


def test_move_keeps_history_and_discount(api, admin, group, student, changes):
    target = GroupFactory(capacity=5)
    membership = Membership.objects.get(group=group, student=student)
    membership.discount_type, membership.discount_value = "fixed", 5_000_00
    membership.save()
    res = api(admin).post(f"/groups/{group.pk}/members/{student.pk}/move", {"to_group_id": target.pk})
    assert res.status_code == 200, res.json()
    body = res.json()
    assert body["group_id"] == target.pk and body["moved_from_id"] == membership.pk
    assert body["discount_type"] == "fixed" and body["discount_value"] == 5_000_00
    membership.refresh_from_db()
    assert membership.status == "left" and membership.left_on == timezone.localdate()
    assert changes == [("moved", body["id"], admin.pk)]


def test_move_into_a_full_group_changes_nothing(api, admin, group, student):
    target = GroupFactory(capacity=1)
    MembershipFactory(group=target)
    res = api(admin).post(f"/groups/{group.pk}/members/{student.pk}/move", {"to_group_id": target.pk})
    assert res.status_code == 409 and res.json()["code"] == "group_full"
    assert Membership.objects.get(group=group, student=student).status == "active"
    same = api(admin).post(f"/groups/{group.pk}/members/{student.pk}/move", {"to_group_id": group.pk})
    assert same.status_code == 422 and same.json()["code"] == "same_group"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_joins_never_overfill():
    import threading

    from core.exceptions import Conflict
    from modules.courses.services.roster import membership_add

    group = GroupFactory(capacity=1)
    students = [StudentFactory() for _ in range(4)]
    outcomes = []
    barrier = threading.Barrier(len(students))

    def join(student):
        try:
            barrier.wait(timeout=10)
            membership_add(group=group, student=student, actor=None)
            outcomes.append("joined")
        except Conflict as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=join, args=(s,)) for s in students]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["group_full"] * 3 + ["joined"]
    assert Membership.objects.filter(group=group).count() == 1


def test_roster_rule_in_sql_and_in_python_agree(db):
    """memberships_on (a query) and on_roster (prefetched, in Python) are one rule: for joined, left,
    frozen and left-without-a-date memberships, on every day around those dates, they give the same answer."""
    from datetime import date, timedelta

    from modules.courses.models import FreezePeriod, Membership
    from modules.courses.selectors import memberships_on, on_roster
    from tests.factories.accounts import StudentFactory
    from tests.factories.courses import GroupFactory

    group = GroupFactory()
    start = date(2026, 3, 2)
    cases = [
        {"joined_on": start},
        {"joined_on": start + timedelta(days=3)},
        {"joined_on": start, "left_on": start + timedelta(days=5), "status": Membership.Status.LEFT},
        {"joined_on": start, "status": Membership.Status.LEFT},
        {"joined_on": start, "status": Membership.Status.FROZEN},
    ]
    members = [Membership.objects.create(group=group, student=StudentFactory(), **case) for case in cases]
    FreezePeriod.objects.create(
        membership=members[4], start_date=start + timedelta(days=2), end_date=start + timedelta(days=4)
    )
    prefetched = list(Membership.objects.filter(group=group).prefetch_related("freezes"))
    for offset in range(-1, 9):
        day = start + timedelta(days=offset)
        in_sql = set(memberships_on(group.pk, day).values_list("pk", flat=True))
        in_python = {m.pk for m in prefetched if on_roster(m, day)}
        assert in_sql == in_python, day
    assert members[0].pk in in_sql and members[2].pk not in in_sql

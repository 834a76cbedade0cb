"""Broadcasts per branch: a branch admin's announcement without a group reaches only the people of
their branches; naming another branch's group is a 422 `branch_forbidden`; the director reaches all.
Absence escalations go to the director and the group's branch admins, never another branch's."""

from __future__ import annotations

import pytest

from modules.notifications import audiences
from modules.notifications.models import Notification
from tests.factories.accounts import StudentFactory
from tests.factories.branches import two_branches

URL = "/notifications/broadcast"


@pytest.fixture
def world(db):
    return two_branches()


def recipients() -> set[int]:
    return set(Notification.objects.filter(kind="broadcast").values_list("user_id", flat=True))


def test_a_branch_admins_announcement_reaches_their_branch_only(api, world, run_on_commit):
    a = world.a
    StudentFactory()  # enrolled nowhere: not a branch's
    with run_on_commit():
        r = api(a.admin).post(URL, {"title": "Closed", "body": "Closed on Monday."})
    assert r.status_code == 202, r.content
    assert recipients() == {a.student.id, a.parent.id, world.shared_teacher.id}
    assert r.json()["recipients"] == 3


def test_another_branchs_group_is_refused(api, world):
    r = api(world.a.admin).post(URL, {"title": "T", "body": "B", "group_id": world.b.group.id})
    assert r.status_code == 422 and r.json()["code"] == "branch_forbidden"
    assert not Notification.objects.exists()


def test_the_director_reaches_every_branch(api, world, run_on_commit):
    with run_on_commit():
        r = api(world.director).post(URL, {"title": "T", "body": "B", "roles": ["student"]})
    assert r.status_code == 202
    assert {world.a.student.id, world.b.student.id} <= recipients()


def test_escalations_go_to_the_director_and_the_groups_branch_admins(world):
    heard = {u.pk for u in audiences.admins(branch_id=world.a.branch.id)}
    assert heard == {world.director.pk, world.a.admin.pk}


def test_the_delivery_log_shows_a_branch_admin_their_branchs_people(api, world):
    from tests.factories.notifications import NotificationFactory, NotificationLogFactory

    mine = NotificationLogFactory(notification=NotificationFactory(user=world.a.student))
    theirs = NotificationLogFactory(notification=NotificationFactory(user=world.b.student))
    listed = {row["id"] for row in api(world.a.admin).get("/notifications/logs").json()["items"]}
    assert listed == {mine.id}
    everything = {row["id"] for row in api(world.director).get("/notifications/logs").json()["items"]}
    assert everything == {mine.id, theirs.id}

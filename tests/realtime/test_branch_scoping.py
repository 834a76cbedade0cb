"""The dashboard per branch: the director joins `dashboard`, a branch admin `dashboard:<branch id>`
of each of their branches, and nobody hears (or may subscribe to) another branch's dashboard or group."""

from __future__ import annotations

import pytest

from tests.factories.branches import two_branches
from tests.realtime.conftest import connect, ticket_for, ws_test

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return two_branches()


@ws_test
async def test_the_director_joins_the_whole_dashboard_a_branch_admin_their_branchs(world):
    _, socket = await connect(ticket=ticket_for(world.director))
    assert (await socket.receive())["data"]["channels"] == [f"user:{world.director.pk}", "dashboard"]
    admin = world.a.admin
    _, socket = await connect(ticket=ticket_for(admin))
    assert (await socket.receive())["data"]["channels"] == [
        f"user:{admin.pk}",
        f"dashboard:{world.a.branch.pk}",
    ]


@ws_test
async def test_a_branch_admin_is_refused_the_other_branchs_channels(world):
    _, socket = await connect(ticket=ticket_for(world.a.admin))
    await socket.receive()
    for channel in (
        "dashboard",
        f"dashboard:{world.b.branch.pk}",
        f"group:{world.b.group.pk}",
        f"group_staff:{world.b.group.pk}",
    ):
        reply = await socket.request({"action": "subscribe", "channel": channel})
        assert (reply["type"], reply["code"]) == ("error", "forbidden"), channel
    reply = await socket.request({"action": "subscribe", "channel": f"group_staff:{world.a.group.pk}"})
    assert reply == {"type": "subscribed", "channel": f"group_staff:{world.a.group.pk}", "seq": 0}


@ws_test
async def test_the_director_may_follow_one_branchs_dashboard(world):
    _, socket = await connect(ticket=ticket_for(world.director))
    await socket.receive()
    channel = f"dashboard:{world.b.branch.pk}"
    assert await socket.request({"action": "subscribe", "channel": channel}) == {
        "type": "subscribed",
        "channel": channel,
        "seq": 0,
    }


@ws_test
async def test_teachers_hear_no_dashboard(world):
    teacher = world.shared_teacher
    _, socket = await connect(ticket=ticket_for(teacher))
    await socket.receive()
    reply = await socket.request({"action": "subscribe", "channel": f"dashboard:{world.a.branch.pk}"})
    assert reply["code"] == "forbidden"


def test_a_change_of_branches_rechecks_the_staff_members_sockets(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    import realtime.publish

    sent = []
    monkeypatch.setattr(realtime.publish, "group_send_now", lambda target, message: sent.append(target))
    admin = world.a.admin
    with django_capture_on_commit_callbacks(execute=True):
        admin.staff_branches.set([world.b.branch])
    assert sent and set(sent) == {f"user:{admin.pk}"}
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        world.b.branch.staff.remove(world.shared_teacher)
    assert sent == [f"user:{world.shared_teacher.pk}"]

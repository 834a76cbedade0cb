"""Row 2: open sockets outlived deactivation and removal from a group (a deactivated admin kept
`dashboard`). Now the change, once committed, makes the sockets re-check themselves."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from django.test import TestCase

from modules.accounts import services as accounts
from modules.courses.models import Membership
from tests.factories.courses import make_group_with_students
from tests.realtime.conftest import welcomed, ws_test

pytestmark = pytest.mark.django_db(transaction=True)  # real commits, as in production


@sync_to_async
def committed(change, *args, **kwargs):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return change(*args, **kwargs)


async def subscribed(user, channel: str):
    socket = await welcomed(user)
    assert (await socket.request({"action": "subscribe", "channel": channel}))["type"] == "subscribed"
    return socket


@ws_test
async def test_row02_deactivated_admin_is_disconnected_4401(admin):
    socket = await welcomed(admin)  # joined `dashboard` on connect
    await committed(accounts.user_set_active, user=admin, active=False)
    assert (await socket.receive())["code"] == "not_authenticated"
    assert await socket.close_code() == 4401


@ws_test
async def test_row02_demoted_admin_loses_the_dashboard(admin):
    socket = await welcomed(admin)
    await committed(accounts.user_update, user=admin, role="teacher")
    assert await socket.receive() == {"type": "unsubscribed", "channel": "dashboard", "reason": "forbidden"}
    assert await socket.request({"action": "ping"}) == {"type": "pong"}  # still connected


@ws_test
async def test_row02_student_who_left_the_group_stops_hearing_it(teacher, student, parent):
    group = await sync_to_async(make_group_with_students)(teacher, [student])
    channel = f"group:{group.pk}"
    sockets = [await subscribed(student, channel), await subscribed(parent, channel)]

    def leave():
        membership = Membership.objects.get(group=group, student=student)
        membership.status = Membership.Status.LEFT
        membership.save()

    await committed(leave)
    for socket in sockets:
        assert await socket.receive() == {"type": "unsubscribed", "channel": channel, "reason": "forbidden"}


@ws_test
async def test_row02_unlinked_parent_stops_hearing_the_childs_group(teacher, student, parent):
    group = await sync_to_async(make_group_with_students)(teacher, [student])
    channel = f"group:{group.pk}"
    socket = await subscribed(parent, channel)
    await committed(accounts.guardian_unlink, parent=parent, student_id=student.pk)
    assert await socket.receive() == {"type": "unsubscribed", "channel": channel, "reason": "forbidden"}


@ws_test
async def test_row02_replaced_teacher_loses_the_staff_channel(teacher, student):
    from tests.factories.accounts import TeacherFactory

    group = await sync_to_async(make_group_with_students)(teacher, [student])
    socket = await subscribed(teacher, f"group_staff:{group.pk}")

    def replace():
        group.teacher = TeacherFactory()
        group.save()

    await committed(replace)
    assert await socket.receive() == {
        "type": "unsubscribed",
        "channel": f"group_staff:{group.pk}",
        "reason": "forbidden",
    }


@ws_test
async def test_row02_unrelated_changes_keep_the_subscription(teacher, student):
    group = await sync_to_async(make_group_with_students)(teacher, [student])
    channel = f"group:{group.pk}"
    socket = await subscribed(student, channel)
    await committed(accounts.user_update, user=student, first_name="Renamed")

    def freeze():
        membership = Membership.objects.get(group=group, student=student)
        membership.status = Membership.Status.FROZEN
        membership.save()

    await committed(freeze)
    assert await socket.request({"action": "ping"}) == {"type": "pong"}
    assert await socket.request({"action": "subscribe", "channel": channel}) == {
        "type": "subscribed",
        "channel": channel,
        "seq": 0,
    }

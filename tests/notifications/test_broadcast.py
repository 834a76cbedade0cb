"""POST /notifications/broadcast: who may send to whom, the 202 count, the worker's bulk fan-out,
idempotency, and a query count that does not grow with the audience."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from modules.notifications import services
from modules.notifications.models import Broadcast, Notification, NotificationLog
from tests.factories.accounts import ParentFactory, StudentFactory, TeacherFactory, link_parent
from tests.factories.courses import make_group_with_students
from tests.factories.notifications import TelegramLinkFactory
from tests.notifications.conftest import SEND_PATH, sent_requests, tg_ok

URL = "/notifications/broadcast"


@pytest.fixture
def group(teacher, student, parent):
    return make_group_with_students(teacher, [student, StudentFactory()], name="B1")


def recipients() -> set[int]:
    return set(Notification.objects.filter(kind="broadcast").values_list("user_id", flat=True))


def test_admin_to_everyone(api, admin, teacher, student, parent, outsider, run_on_commit):
    with run_on_commit():
        response = api(admin).post(URL, {"title": "Holiday", "body": "Closed on Monday."})
    assert response.status_code == 202
    assert response.json()["recipients"] == 4
    assert recipients() == {teacher.pk, student.pk, parent.pk, outsider.pk}  # not the sender
    note = Notification.objects.get(user=student)
    assert (note.title, note.body, note.kind) == ("Holiday", "Closed on Monday.", "broadcast")
    assert Broadcast.objects.get().status == Broadcast.Status.SENT


def test_admin_to_a_role(api, admin, teacher, student, parent, outsider, run_on_commit):
    with run_on_commit():
        response = api(admin).post(URL, {"title": "T", "body": "B", "roles": ["student"]})
    assert response.json()["recipients"] == 2
    assert recipients() == {student.pk, outsider.pk}


def test_admin_to_a_group_reaches_students_parents_and_teacher(
    api, admin, group, teacher, student, parent, outsider, run_on_commit
):
    with run_on_commit():
        response = api(admin).post(URL, {"title": "T", "body": "B", "group_id": group.pk})
    members = set(group.memberships.values_list("student_id", flat=True))
    assert response.json()["recipients"] == len(members) + 2
    assert recipients() == members | {parent.pk, teacher.pk}


def test_teacher_to_own_group_only(api, teacher, group, student, parent, run_on_commit):
    foreign = make_group_with_students(TeacherFactory(), [StudentFactory()])
    assert api(teacher).post(URL, {"title": "T", "body": "B"}).status_code == 422  # a group is required
    assert api(teacher).post(URL, {"title": "T", "body": "B", "group_id": foreign.pk}).status_code == 404
    assert api(teacher).post(URL, {"title": "T", "body": "B", "group_id": 999999}).status_code == 404
    with run_on_commit():
        response = api(teacher).post(
            URL, {"title": "T", "body": "B", "group_id": group.pk, "roles": ["parent"]}
        )
    assert response.status_code == 202 and response.json()["recipients"] == 1
    assert recipients() == {parent.pk}


@pytest.mark.parametrize("persona", ["student", "parent", "outsider"])
def test_students_and_parents_cannot_broadcast(api, persona, request, group):
    user = request.getfixturevalue(persona)
    response = api(user).post(URL, {"title": "T", "body": "B", "group_id": group.pk})
    assert response.status_code == 403
    assert not Broadcast.objects.exists()


def test_bad_input_is_422(api, admin):
    for bad in (
        {"title": "", "body": "B"},
        {"title": "   ", "body": "B"},
        {"title": "T"},
        {"title": "T", "body": "B", "roles": ["king"]},
        {"title": "T", "body": "B", "channels": ["fax"]},
        {"title": "x" * 201, "body": "B"},
    ):
        assert api(admin).post(URL, bad).status_code == 422, bad


def test_channels_restrict_delivery_and_deliveries_run(api, admin, telegram_api, run_on_commit):
    telegram_api.expect_request(SEND_PATH).respond_with_json(tg_ok())
    linked = [TelegramLinkFactory(user=StudentFactory()).user for _ in range(3)]
    with run_on_commit():
        api(admin).post(URL, {"title": "T", "body": "B", "roles": ["student"], "channels": ["telegram"]})
    logs = NotificationLog.objects.filter(kind="broadcast")
    assert {(log.user_id, log.channel, log.status) for log in logs} == {
        (u.pk, "telegram", "sent") for u in linked
    }
    assert len(sent_requests(telegram_api, SEND_PATH)) == 3
    # in_app was not among the channels: stored as history, already read
    assert not Notification.objects.filter(kind="broadcast", read_at__isnull=True).exists()


def test_fan_out_runs_once(admin, student, outsider):
    broadcast = services.broadcast_create(
        sender=admin, title="T", body="B", group_id=None, roles=None, channels=None
    )
    assert services.broadcast_fan_out(broadcast_id=broadcast.pk) == 2
    assert services.broadcast_fan_out(broadcast_id=broadcast.pk) == 0  # a retried task
    assert Notification.objects.filter(broadcast=broadcast).count() == 2


def _fan_out_queries(admin, n: int) -> int:
    for _ in range(n):
        parent = ParentFactory()
        link_parent(parent, StudentFactory())
    broadcast = services.broadcast_create(
        sender=admin, title="T", body="B", group_id=None, roles=None, channels=None
    )
    with CaptureQueriesContext(connection) as ctx:
        services.broadcast_fan_out(broadcast_id=broadcast.pk)
    Notification.objects.all().delete()
    return len(ctx.captured_queries)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite caps parameters per statement: bulk inserts split in batches",
)
def test_fan_out_query_count_does_not_grow_with_the_audience(admin, eskiz_api):
    _fan_out_queries(admin, 1)  # warms the cached system settings
    small = _fan_out_queries(admin, 3)
    large = _fan_out_queries(admin, 40)  # 80 more people, 40 of them with SMS logs
    assert small == large, (small, large)


def test_request_query_count_is_constant(api, admin):
    client = api(admin)
    counts = []
    for extra in (2, 30):
        StudentFactory.create_batch(extra)
        with CaptureQueriesContext(connection) as ctx:
            assert client.post(URL, {"title": "T", "body": "B"}).status_code == 202
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_shard_tasks_chain_until_everything_is_sent(
    api, admin, telegram_api, run_on_commit, settings, monkeypatch
):
    from modules.notifications import dispatch, tasks

    monkeypatch.setattr(tasks, "CHUNK", 2)
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "workers": 2}
    telegram_api.expect_request(SEND_PATH).respond_with_json(tg_ok())
    linked = [TelegramLinkFactory(user=StudentFactory()).user for _ in range(7)]
    calls = []
    original = tasks.deliver_broadcast_shard

    def spy(broadcast_id, shard, shards):
        calls.append((shard, shards))
        return original(broadcast_id, shard, shards)

    monkeypatch.setattr(tasks, "deliver_broadcast_shard", spy)
    with run_on_commit():
        api(admin).post(URL, {"title": "T", "body": "B", "roles": ["student"]})
    assert dispatch.broadcast_shards() == 2
    assert {c for c in calls} == {(0, 2), (1, 2)}
    assert len(calls) >= 5  # 7 deliveries in chunks of 2 over 2 shards: the tasks re-queued themselves
    assert NotificationLog.objects.filter(channel="telegram", status="sent").count() == len(linked)
    assert len(sent_requests(telegram_api, SEND_PATH)) == len(linked)

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from modules.courses.models import Membership
from modules.gamification.models import CoinTransaction, LeaderboardSnapshot
from modules.gamification.services import leaderboard_touch, leaderboards_refresh
from tests.factories.accounts import StudentFactory, TeacherFactory
from tests.factories.courses import GroupFactory, MembershipFactory
from tests.factories.gamification import give_coins
from tests.gamification.conftest import of_type

pytestmark = pytest.mark.django_db


def board(group, period="all"):
    snapshot = LeaderboardSnapshot.objects.get(group=group, period=period)
    return sorted((e["student"]["id"], e["rank"], e["coins"]) for e in json.loads(snapshot.entries))


@pytest.fixture
def trio(group, student):
    b, c = StudentFactory(), StudentFactory()
    for s in (b, c):
        MembershipFactory(group=group, student=s)
    return student, b, c


def test_ties_share_a_rank_and_members_without_coins_are_listed(group, trio):
    a, b, c = trio
    d = StudentFactory()
    MembershipFactory(group=group, student=d)
    give_coins(a, 30, group=group)
    give_coins(b, 30, group=group)
    give_coins(c, 10, group=group)
    give_coins(c, 500)  # not earned in the group: not on its leaderboard
    leaderboards_refresh()
    assert board(group) == sorted(
        [(a.pk, 1, 30), (b.pk, 1, 30), (c.pk, 3, 10), (d.pk, 4, 0)], key=lambda r: (r[1], r[0])
    )


def test_left_members_and_other_groups_are_not_ranked(group, trio):
    a, b, _ = trio
    other = GroupFactory()
    MembershipFactory(group=other, student=a)
    give_coins(a, 40, group=other)
    give_coins(b, 5, group=group)
    Membership.objects.filter(group=group, student=b).update(status=Membership.Status.LEFT)
    leaderboards_refresh()
    assert [r[0] for r in board(group)] == sorted(
        Membership.objects.filter(group=group).exclude(status="left").values_list("student_id", flat=True)
    )
    assert board(other) == [(a.pk, 1, 40)]
    assert b.pk not in [r[0] for r in board(group)]


def _at(tx, when):
    CoinTransaction.objects.filter(pk=tx.pk).update(created_at=when)


@override_settings(TIME_ZONE="Asia/Tashkent")
def test_periods_follow_the_center_time_zone(group, trio):
    a, b, c = trio
    # Monday 2026-11-23 00:00 in Tashkent (UTC+5) is Sunday 19:00 UTC; November began Oct 31 19:00 UTC
    _at(give_coins(a, 10, group=group), datetime(2026, 11, 22, 18, 59, 59, tzinfo=UTC))  # last week
    _at(give_coins(b, 10, group=group), datetime(2026, 11, 22, 19, 0, 0, tzinfo=UTC))  # this week
    _at(give_coins(c, 7, group=group), datetime(2026, 10, 31, 18, 59, 59, tzinfo=UTC))  # October
    _at(give_coins(c, 3, group=group), datetime(2026, 10, 31, 19, 0, 0, tzinfo=UTC))  # November
    leaderboards_refresh(now=datetime(2026, 11, 25, 5, 0, tzinfo=UTC))
    week = dict((s, coins) for s, _, coins in board(group, "week"))
    month = dict((s, coins) for s, _, coins in board(group, "month"))
    assert week == {a.pk: 0, b.pk: 10, c.pk: 0}
    assert month == {a.pk: 10, b.pk: 10, c.pk: 3}
    assert (
        LeaderboardSnapshot.objects.get(group=group, period="week").period_start
        == datetime(2026, 11, 23).date()
    )


def test_event_only_when_the_ranking_changes(group, trio, events, run_on_commit):
    a, b, c = trio
    give_coins(a, 30, group=group)
    give_coins(b, 20, group=group)
    with run_on_commit():
        assert leaderboards_refresh() == 3  # first snapshot of week, month and all
    sent = of_type(events, "leaderboard.updated")
    assert {e["data"]["period"] for e in sent} == {"week", "month", "all"}
    assert all(e["channel"] == f"group:{group.pk}" for e in sent)
    assert sent[0]["data"]["items"][0] == {
        "rank": 1,
        "student": {"id": a.pk, "first_name": a.first_name, "last_name": a.last_name},
        "coins": 30,
    }
    events.clear()
    with run_on_commit():
        assert leaderboards_refresh() == 0  # nothing changed
        give_coins(a, 5, group=group)  # more coins, same order
        assert leaderboards_refresh() == 0
    assert of_type(events, "leaderboard.updated") == []
    assert (a.pk, 1, 35) in board(group)  # the snapshot itself was refreshed
    with run_on_commit():
        give_coins(c, 100, group=group)
        assert leaderboards_refresh() == 3
    assert [e["data"]["items"][0]["student"]["id"] for e in of_type(events, "leaderboard.updated")] == [
        c.pk
    ] * 3


def test_touch_is_debounced_per_group(monkeypatch, group, run_on_commit):
    from django_q.models import Schedule

    queued = []
    monkeypatch.setattr("modules.gamification.services.leaderboards.enqueue", lambda *a: queued.append(a))
    other = GroupFactory()
    with run_on_commit():
        for _ in range(5):
            leaderboard_touch(group.pk)
        leaderboard_touch(other.pk)
    task = "modules.gamification.tasks.update_leaderboards"
    assert queued == [(task, [group.pk]), (task, [other.pk])]  # leading edge: at once, once per window
    [trailing] = Schedule.objects.filter(func=task)  # one trailing run for the changes inside the window
    assert trailing.schedule_type == Schedule.ONCE and trailing.next_run > timezone.now()
    assert "[" + str(group.pk) + "]" in trailing.args


def test_membership_change_touches_the_group(monkeypatch, group, student):
    from modules.courses.signals import MembershipChanged, membership_changed

    touched = []
    monkeypatch.setattr("modules.gamification.receivers.leaderboard_touch", touched.append)
    membership = group.memberships.get(student=student)
    event = MembershipChanged(membership.pk, group.pk, student.pk, "left")
    membership_changed.send(sender=None, event=event, membership=membership, change="left", actor=None)
    assert touched == [group.pk]


def test_a_change_refreshes_the_snapshot_after_commit(group, student, run_on_commit):
    with run_on_commit():
        give_coins(student, 12, group=group)
    assert board(group) == [(student.pk, 1, 12)]


# --- the endpoint -------------------------------------------------------------------------------


def test_leaderboard_endpoint_serves_the_snapshot(api, group, trio):
    a, b, c = trio
    give_coins(b, 9, group=group)
    leaderboards_refresh()
    r = api(a).get(f"/groups/{group.pk}/leaderboard", {"period": "month"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["period"] == "month" and body["count"] == 3
    assert body["period_start"] == timezone.localdate().replace(day=1).isoformat()
    assert [(i["rank"], i["student"]["id"], i["coins"]) for i in body["items"]][:1] == [(1, b.pk, 9)]
    assert {i["rank"] for i in body["items"][1:]} == {2}


def test_leaderboard_personas(api, group, student, parent, teacher, admin, outsider):
    leaderboards_refresh()
    for user in (admin, teacher, student, parent):
        assert api(user).get(f"/groups/{group.pk}/leaderboard").status_code == 200, user.role
    assert api(outsider).get(f"/groups/{group.pk}/leaderboard").status_code == 404
    assert api(TeacherFactory()).get(f"/groups/{group.pk}/leaderboard").status_code == 404
    assert api().get(f"/groups/{group.pk}/leaderboard").status_code == 401
    assert api(admin).get(f"/groups/{group.pk}/leaderboard", {"period": "year"}).status_code == 422
    assert api(admin).get("/groups/999999/leaderboard").status_code == 404


def test_leaderboard_read_is_three_queries_whatever_the_size(api, group, student, teacher):
    for _ in range(30):
        MembershipFactory(group=group, student=StudentFactory())
    leaderboards_refresh()
    client = api(teacher)
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(f"/groups/{group.pk}/leaderboard", {"period": "all"})
    assert r.status_code == 200 and r.json()["count"] == 31
    assert len(ctx.captured_queries) <= 3, [q["sql"] for q in ctx.captured_queries]


def test_week_rolls_over_without_a_refresh(group, student):
    give_coins(student, 4, group=group)
    leaderboards_refresh(now=timezone.now() - timedelta(days=8))
    # the stored week is last week's: the current week's snapshot does not exist yet
    assert not LeaderboardSnapshot.objects.filter(
        group=group,
        period="week",
        period_start=timezone.localdate() - timedelta(days=timezone.localdate().weekday()),
    ).exists()
    leaderboards_refresh()
    assert board(group, "week") == [(student.pk, 1, 4)]


def test_leaderboard_events_leave_in_one_batch_through_the_layer(db, monkeypatch, run_on_commit):
    import json

    from modules.gamification import events as gamification_events
    from realtime import publish

    sent = []

    class Layer:
        async def group_send(self, group, message):
            sent.append((group, json.loads(message["text"])["data"]["group_id"]))

    monkeypatch.setattr(publish, "get_channel_layer", lambda: Layer())
    announcements = [{"group_id": i, "period": "week", "period_start": None, "items": []} for i in (1, 2)]
    with run_on_commit():
        gamification_events.leaderboards_updated(announcements)
        assert sent == []  # nothing before the commit
    assert publish.drain_publications()  # publishing does not wait for the layer; the test does
    assert sorted(sent) == [("rt.group.1", 1), ("rt.group.2", 2)]

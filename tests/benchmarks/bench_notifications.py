"""Notifications: a broadcast to 1,000 people stored and queued (time and query count against 100
people), and delivery throughput against a local fake Telegram — in-process and through a real
qcluster."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.conf import settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings

from tests.benchmarks import Result
from tests.benchmarks.context import ROOT

PHONE_PREFIX = "+99899"  # bench-only users: +99899 7xxxxxx
TOKEN = "42:bench"


class FakeTelegram(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as api.telegram.org offers
    disable_nagle_algorithm = True  # headers and body leave at once (no 40 ms delayed-ACK stall)

    def do_POST(self):  # noqa: N802 (http.server's naming)
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.dumps({"ok": True, "result": {"message_id": 1}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _start_fake() -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeTelegram)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def _audience(size: int, offset: int):
    """A group of `size` bench students, each with a linked Telegram chat."""
    from modules.accounts.models import User
    from modules.courses.models import Membership
    from modules.notifications.models import TelegramLink
    from tests.factories.accounts import TeacherFactory
    from tests.factories.courses import BranchFactory, CourseFactory, GroupFactory, RoomFactory, local_today

    users = User.objects.bulk_create(
        User(phone=f"{PHONE_PREFIX}7{offset + i:06d}", first_name=f"Bench{i}", role="student", password="!")
        for i in range(size)
    )
    TelegramLink.objects.bulk_create(TelegramLink(user=u, chat_id=10_000_000 + u.pk) for u in users)
    branch = BranchFactory(name="Bench notifications")
    group = GroupFactory(
        name=f"Bench notifications {offset}",
        branch=branch,
        course=CourseFactory(name=f"Bench notifications {offset}"),
        room=RoomFactory(branch=branch, name=f"Bench room {offset}"),
        teacher=TeacherFactory(phone=f"{PHONE_PREFIX}8{offset:06d}", email=None),
    )
    Membership.objects.bulk_create(
        Membership(group=group, student=u, joined_on=local_today(), status="active") for u in users
    )
    return group


def _cleanup() -> None:

    from modules.accounts.models import User
    from modules.courses.models import Branch, Course, Group, Membership, Room
    from modules.notifications.models import Broadcast

    groups = Group.objects.filter(name__startswith="Bench notifications")
    Membership.objects.filter(group__in=groups).delete()
    Broadcast.objects.filter(title="Bench broadcast").delete()
    groups.delete()
    Room.objects.filter(name__startswith="Bench room").delete()
    Course.objects.filter(name__startswith="Bench notifications").delete()
    Branch.objects.filter(name="Bench notifications").delete()
    User.objects.filter(phone__startswith=PHONE_PREFIX).exclude(role="admin").delete()


def _broadcast(admin, group) -> tuple[float, int, int]:
    """Seconds and queries to store and queue a broadcast (API service + the worker's fan-out), with
    the delivery tasks queued in the ORM broker rather than run."""
    from django_q.conf import Conf

    from modules.center.selectors import get_system_settings
    from modules.notifications import services

    Conf.SYNC = False
    get_system_settings()  # a cached row (5 min TTL) read fresh here, not counted as the broadcast's
    # core.tasks.enqueue follows settings.Q_CLUSTER["sync"]: off, the tasks become outbox rows
    queued = override_settings(Q_CLUSTER={**settings.Q_CLUSTER, "sync": False})
    queued.enable()
    try:
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            with transaction.atomic():
                broadcast = services.broadcast_create(
                    sender=admin,
                    title="Bench broadcast",
                    body="Hello",
                    group_id=group.pk,
                    roles=["student"],
                    channels=None,
                )
            with transaction.atomic():
                sent = services.broadcast_fan_out(broadcast_id=broadcast.pk)
        return time.perf_counter() - start, len(ctx.captured_queries), sent
    finally:
        queued.disable()
        Conf.SYNC = settings.Q_CLUSTER.get("sync", False)


def _clear_queue() -> None:
    from django_q.models import OrmQ

    OrmQ.objects.all().delete()


def _requeue(log_ids) -> None:
    from django.utils import timezone

    from modules.notifications.models import NotificationLog

    NotificationLog.objects.filter(pk__in=log_ids).update(
        status="queued", attempts=0, next_attempt_at=timezone.now(), claimed_until=None, sent_at=None
    )


def _in_process_throughput(log_ids, base: str) -> float:
    from modules.notifications import delivery

    with override_settings(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE=base, TELEGRAM_MAX_PER_SECOND=0):
        start = time.perf_counter()
        # one worker's sending rate: all of them in one call (a task would stop at its time budget)
        outcome = delivery.deliver_many(list(log_ids), budget=float("inf"))
        elapsed = time.perf_counter() - start
    if outcome.get("sent") != len(log_ids):
        raise RuntimeError(f"not every message was sent: {outcome}")
    return len(log_ids) / elapsed


def _cluster_throughput(broadcast_id: int, log_ids, base: str, workers: int = 4) -> float | None:
    """Starts a real qcluster, queues the broadcast's shard tasks and waits until all are sent."""
    from django_q.conf import Conf

    from modules.notifications.dispatch import CHUNK  # noqa: F401  (documented chunk size)
    from modules.notifications.models import NotificationLog

    env = {
        **os.environ,
        "Q_SYNC": "false",
        "Q_WORKERS": str(workers),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE": base,
        "TELEGRAM_MAX_PER_SECOND": "0",
    }
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        Conf.SYNC = False
        from django_q.tasks import async_task, result

        # The clock starts once the cluster has run a first task (its workers are up).
        if result(async_task("math.floor", 1.5), wait=60_000) != 1:
            return None

        start = time.perf_counter()
        for shard in range(workers):
            async_task("modules.notifications.tasks.deliver_broadcast_shard", broadcast_id, shard, workers)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if NotificationLog.objects.filter(pk__in=log_ids, status="sent").count() == len(log_ids):
                return len(log_ids) / (time.perf_counter() - start)
            time.sleep(0.05)
        return None
    finally:
        Conf.SYNC = settings.Q_CLUSTER.get("sync", False)
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def run(ctx) -> list[Result]:
    from modules.accounts.models import User
    from modules.notifications.models import Broadcast, NotificationLog

    _cleanup()
    _clear_queue()
    admin = User.objects.filter(role="admin").first() or User.objects.create_user(
        f"{PHONE_PREFIX}9000000", "bench-admin-pass", first_name="Bench", role="admin"
    )
    results: list[Result] = []
    fake, base = _start_fake()
    try:
        with override_settings(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE=base, TELEGRAM_MAX_PER_SECOND=0):
            small_group = _audience(100, 0)
            big_group = _audience(1000, 100)
            _broadcast(admin, small_group)  # warm caches (settings, content types)
            _clear_queue()
            NotificationLog.objects.filter(notification__broadcast__title="Bench broadcast").delete()
            _, small_queries, _ = _broadcast(admin, small_group)
            seconds, big_queries, sent = _broadcast(admin, big_group)
        from django_q.models import OrmQ

        queued_tasks = OrmQ.objects.count()
        _clear_queue()
        results.append(
            Result(
                f"broadcast to {sent} recipients: stored + queued",
                f"{seconds * 1000:.0f} ms, {big_queries} queries ({small_queries} for 100), {queued_tasks} tasks queued",
                "< 2000 ms, queries constant",
                seconds < 2 and big_queries == small_queries,
            )
        )
        broadcast = Broadcast.objects.filter(title="Bench broadcast", group_id=big_group.pk).latest("pk")
        log_ids = list(
            NotificationLog.objects.filter(notification__broadcast=broadcast, channel="telegram").values_list(
                "pk", flat=True
            )
        )
        _requeue(log_ids)  # due now, even when the broadcast was held by the center's quiet hours
        rate = _in_process_throughput(log_ids, base)
        results.append(
            Result("deliver Telegram, one worker in-process (local fake)", f"{rate:.0f} msg/s", "-", None)
        )
        _requeue(log_ids)
        cluster_rate = _cluster_throughput(broadcast.pk, log_ids, base)
        results.append(
            Result(
                "deliver Telegram, qcluster with 4 workers (local fake)",
                f"{cluster_rate:.0f} msg/s" if cluster_rate else "did not finish in 120 s",
                "> 30 msg/s (Telegram's own limit)",
                bool(cluster_rate and cluster_rate > 30),
            )
        )
    finally:
        fake.shutdown()
        _cleanup()
    return results

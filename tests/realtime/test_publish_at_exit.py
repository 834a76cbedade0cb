"""Events published in a process's last moments (a command, a task run, a worker that is shutting
down) still leave: publishing does not wait for Redis, so the process waits for them at exit."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import textwrap
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings

from realtime.groups import group_name

ROOT = Path(__file__).resolve().parents[2]
CHANNEL = "user:424242"

PUBLISH_AND_EXIT = textwrap.dedent(
    f"""
    import django

    django.setup()
    from pydantic import BaseModel

    from realtime import contract
    from realtime.publish import encode_head, make_envelope, send_now


    class Ping(BaseModel):
        n: int = 0


    contract.event_type("test.ping", Ping, channels=("user",), summary="this test's own")
    envelope = make_envelope(channel="{CHANNEL}", type="test.ping", data={{"n": 7}})
    send_now(envelope, encode_head(envelope))
    """
)  # ... and the interpreter exits at once: nothing but the exit waits for the event


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis: the in-memory layer is one process's")
def test_an_event_published_just_before_the_process_exits_still_reaches_the_layer():
    layer = get_channel_layer()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}

    async def publish_from_a_process_that_exits() -> tuple[int, str, dict]:
        # one loop throughout: the pub/sub layer hears only while its subscriber is being read
        name = await layer.new_channel()
        await layer.group_add(group_name(CHANNEL), name)
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", PUBLISH_AND_EXIT, env=env, cwd=ROOT, stderr=asyncio.subprocess.PIPE
        )
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=120)
        message = await asyncio.wait_for(layer.receive(name), timeout=10)
        return process.returncode, stderr.decode(), message

    returncode, stderr, message = async_to_sync(publish_from_a_process_that_exits)()
    assert returncode == 0, stderr
    assert "could not send" not in stderr
    assert json.loads(message["text"])["data"] == {"n": 7}

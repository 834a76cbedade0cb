"""The WebSocket's published contract: GET /api/v1/asyncapi.json is a valid AsyncAPI 3.0 document,
generated from the event types modules declare and the consumer's own frame models, and the frames
the server really sends match it (the e2e harness checks every frame it receives, tests/contract/frames.py)."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from jsonschema import Draft7Validator, Draft202012Validator
from pydantic import BaseModel

from realtime import contract, frames
from realtime.asyncapi import build, document
from tests.contract.frames import check_frame, socket_schema

HERE = Path(__file__).parent / "asyncapi"


def test_the_document_is_served_publicly_and_built_once(client, db, monkeypatch):
    response = client.get("/api/v1/asyncapi.json")  # no Authorization header
    assert response.status_code == 200
    assert response.json() == json.loads(json.dumps(document()))
    assert response.json()["asyncapi"] == "3.0.0"

    def build_again():
        raise AssertionError("built twice")

    monkeypatch.setattr("realtime.asyncapi.build", build_again)
    started = time.perf_counter()
    assert client.get("/api/v1/asyncapi.json").status_code == 200
    assert time.perf_counter() - started < 1


def test_every_declared_event_type_is_a_message_with_its_model():
    doc = document()
    declared = {t.name for t in contract.all_types()}
    assert {"lesson.updated", "attendance.updated", "leaderboard.updated", "homework.updated"} <= declared
    assert {"payment.updated", "coins.updated", "notification.created"} <= declared
    sent = {ref["$ref"].rsplit("/", 1)[-1] for ref in doc["operations"]["sendEvent"]["messages"]}
    assert sent == declared - {"test.ping"}  # (a test's own type may be declared while this runs)
    for event in contract.all_types():
        if event.name in sent:
            envelope = doc["components"]["schemas"][
                doc["components"]["messages"][event.name]["payload"]["$ref"].rsplit("/", 1)[-1]
            ]
            assert envelope["required"] == ["type", "channel", "id", "seq", "ts", "data"]
            assert envelope["properties"]["data"]["$ref"].endswith(f"/{event.data.__name__}")


def test_client_actions_and_server_frames_are_described():
    doc = document()
    actions = {ref["$ref"].rsplit("/", 1)[-1] for ref in doc["operations"]["receiveAction"]["messages"]}
    assert actions == {"subscribe", "unsubscribe", "ping"}
    server = {ref["$ref"].rsplit("/", 1)[-1] for ref in doc["operations"]["sendFrame"]["messages"]}
    assert server == {"welcome", "subscribed", "unsubscribed", "resync", "pong", "error"}
    codes = doc["components"]["schemas"]["ErrorFrame"]["properties"]["code"]["enum"]
    assert {"forbidden", "invalid_since", "too_many_subscriptions", "malformed"} <= set(codes)
    since = doc["components"]["schemas"]["SubscribeAction"]["properties"]["since"]
    assert "since" not in doc["components"]["schemas"]["SubscribeAction"]["required"]
    assert {"type": "integer", "minimum": 0} in since["anyOf"]


def test_every_schema_is_valid_json_schema():
    for schema in document()["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)


def test_two_different_schemas_never_share_a_name():
    """A module's event model named like one of the socket's own models would make one of them
    silently describe the other: the build refuses."""

    class WelcomeData(BaseModel):  # same name as realtime.frames.WelcomeData, other fields
        points: int

    contract.event_type("test.clash", WelcomeData, channels=("user",), summary="tests only")
    try:
        with pytest.raises(ValueError, match="WelcomeData"):
            build()
    finally:
        contract._types.pop("test.clash", None)


def _event(**overrides) -> dict:
    event = {
        "type": "payment.updated",
        "channel": "dashboard",
        "id": str(uuid.uuid4()),
        "seq": 7,
        "ts": "2026-03-01T09:00:00.000Z",
        "data": {
            "id": 1,
            "student_id": 2,
            "group_id": None,
            "amount": 50000000,
            "currency": "UZS",
            "status": "paid",
            "previous_status": "pending",
            "due_date": "2026-03-05",
            "period": "2026-03-01",
            "paid_at": "2026-03-01T08:59:59.123Z",
            "method": "cash",
        },
    }
    return {**event, **overrides}


def test_the_frame_checker_accepts_the_contract_and_refuses_the_rest():
    check_frame(_event())
    check_frame(json.loads(frames.frame_json(frames.SubscribedFrame(channel="group:1", seq=0))))
    check_frame(json.loads(frames.frame_json(frames.ErrorFrame(code="forbidden", detail="no"))))
    for broken in (
        {k: v for k, v in _event().items() if k != "seq"},  # no seq
        _event(channel="group:1"),  # a channel the type is not sent on
        _event(ts="yesterday"),
        _event(data={**_event()["data"], "status": "lost"}),  # not in the status enum
        {"type": "surprise"},
    ):
        with pytest.raises(AssertionError):
            check_frame(broken)


@pytest.fixture(scope="module")
def npm_tools(tmp_path_factory):
    """tests/contract/asyncapi with its npm packages installed (once for this module)."""
    if shutil.which("npm") is None or shutil.which("node") is None:
        pytest.skip("node/npm are not installed")
    work = tmp_path_factory.mktemp("asyncapi") / "asyncapi"
    shutil.copytree(HERE, work)
    install = run(work, "npm", "install", "--no-audit", "--no-fund", "--loglevel=error")
    assert install.returncode == 0, install.stderr[-2000:]
    return work


def run(cwd, *cmd):
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=300)


def test_the_document_is_valid_asyncapi_3(npm_tools):
    """Against the AsyncAPI specification's own JSON Schema (the @asyncapi/specs package)."""
    spec = json.loads((npm_tools / "node_modules/@asyncapi/specs/schemas/3.0.0-without-$id.json").read_text())
    validator = Draft7Validator(spec)
    doc = json.loads(json.dumps(document()))
    errors = [f"{list(e.path)}: {e.message[:200]}" for e in validator.iter_errors(doc)]
    assert not errors, errors[:5]
    broken = copy.deepcopy(doc)
    broken["operations"]["sendEvent"]["action"] = "publish"  # AsyncAPI 2's word: refused by 3.0
    assert not validator.is_valid(broken)


def test_a_typescript_client_types_the_socket_from_the_document(npm_tools):
    """json-schema-to-typescript turns the document's schemas into types; a strict client narrows
    on `type` without casts (socket-usage.ts), and misuse does not compile (socket-misuse.ts)."""
    (npm_tools / "socket.schema.json").write_text(json.dumps(socket_schema()))
    gen = run(npm_tools, "npx", "json2ts", "-i", "socket.schema.json", "-o", "socket.d.ts")
    assert gen.returncode == 0, gen.stderr[-2000:]
    check = run(npm_tools, "npx", "tsc", "-p", ".")
    assert check.returncode == 0, (check.stdout + check.stderr)[-3000:]
    misuse = run(npm_tools, "npx", "tsc", "--noEmit", "--strict", "--skipLibCheck", "socket-misuse.ts")
    assert misuse.returncode != 0
    assert "records" in misuse.stdout and "since" in misuse.stdout, misuse.stdout[-2000:]

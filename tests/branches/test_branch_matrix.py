"""The persona matrix: every list, detail, write, report and export of the OpenAPI document, walked as
branch admin A, branch admin B, the director and a teacher of both branches. A branch admin never
reads the other branch's names or ids, gets a 404 for its objects and never changes them; the director
with ?branch= reads exactly one branch; the teacher, who is not limited by branches, sees both."""

from __future__ import annotations

import pytest

from tests.branches.conftest import World
from tests.branches.walker import (
    BodyMaker,
    as_json,
    call,
    leaked_ids,
    operations,
    resolve,
    text_of,
)
from tests.conftest import ApiClient

FACT_KEYS = (
    "branch_id",
    "group_id",
    "room_id",
    "lesson_id",
    "upcoming_lesson_id",
    "student_id",
    "membership_id",
    "homework_id",
    "submission_id",
    "payment_id",
    "paid_payment_id",
    "loose_payment_id",
    "lead_id",
    "run_id",
)
# how each of the world's ids is named in a response
RESPONSE_KEY = {
    "upcoming_lesson_id": "lesson_id",
    "paid_payment_id": "payment_id",
    "loose_payment_id": "payment_id",
}
NOT_VISIBLE = (403, 404)


def _facts(ids: dict) -> set[tuple[str, int]]:
    return {(RESPONSE_KEY.get(key, key), ids[key]) for key in FACT_KEYS}


class Findings:
    def __init__(self):
        self.problems: list[str] = []
        self.checked = 0

    def leak(self, op, url, response, marker: str, facts) -> None:
        """Records what of the other branch a response shows, and any server error."""
        self.checked += 1
        if response.status_code >= 500:
            self.problems.append(f"{op.name} {url}: {response.status_code}")
            return
        text = text_of(response)
        shown = [marker] if marker in text else []
        shown += leaked_ids(as_json(text), facts)
        if shown:
            self.problems.append(f"{op.name} {url} ({response.status_code}) shows {sorted(set(shown))}")

    def expect(self, ok: bool, message: str) -> None:
        if not ok:
            self.problems.append(message)


def _walk_branch_admin(world: World, side, findings: Findings) -> None:
    other = world.other(side)
    client = ApiClient(side.admin)
    ops, components = operations()
    facts = _facts(other.ids)
    for op in ops:
        own, theirs = resolve(op, side.ids), resolve(op, other.ids)
        if op.method == "get":
            if own is not None:
                findings.leak(op, own, call(client, op, own), other.marker, facts)
                if "format" in op.query:
                    csv = call(client, op, own, params={"format": "csv"})
                    findings.leak(op, f"{own}?format=csv", csv, other.marker, facts)
            if op.params and theirs is not None:
                response = call(client, op, theirs)
                findings.expect(
                    response.status_code in NOT_VISIBLE,
                    f"{op.name} {theirs}: {response.status_code} for the other branch's object (want 404)",
                )
                findings.leak(op, theirs, response, other.marker, facts)
            if "branch" in op.query and own is not None:
                response = call(client, op, own, params={"branch": other.branch.pk})
                findings.leak(op, f"{own}?branch={other.branch.pk}", response, other.marker, facts)
            continue
        if op.params and theirs is not None:
            body = BodyMaker(components, other.ids).make(op.body)
            response = call(client, op, theirs, body)
            findings.expect(
                not 200 <= response.status_code < 300,
                f"{op.name} {theirs}: {response.status_code}: a write on the other branch's object went through",
            )
            findings.leak(op, theirs, response, other.marker, facts)


@pytest.mark.parametrize("who", ["a", "b"])
def test_a_branch_admin_never_reads_or_changes_the_other_branch(world, who):
    findings = Findings()
    _walk_branch_admin(world, getattr(world, who), findings)
    assert findings.checked > 100, findings.checked
    assert not findings.problems, "\n".join(findings.problems)


def test_the_director_reads_exactly_one_branch_with_the_branch_parameter(world):
    client = ApiClient(world.director)
    findings = Findings()
    ops, _ = operations()
    narrowed = [op for op in ops if op.method == "get" and "branch" in op.query and not op.params]
    for op in narrowed:
        for side in (world.a, world.b):
            other = world.other(side)
            response = call(client, op, op.path, params={"branch": side.branch.pk})
            findings.expect(response.status_code == 200, f"{op.name}?branch=: {response.status_code}")
            findings.leak(op, f"{op.path}?branch={side.branch.pk}", response, other.marker, _facts(other.ids))
    assert len(narrowed) >= 6, [op.name for op in narrowed]
    assert not findings.problems, "\n".join(findings.problems)


def test_the_director_sees_both_branches_everywhere_a_branch_admin_sees_one(world):
    director, admin_a = ApiClient(world.director), ApiClient(world.a.admin)
    ops, _ = operations()
    hidden = []
    for op in ops:
        url = resolve(op, world.b.ids)
        if op.method != "get" or not op.params or url is None:
            continue
        if call(client=director, op=op, url=url).status_code == 200:
            continue
        if call(client=admin_a, op=op, url=resolve(op, world.a.ids)).status_code == 200:
            hidden.append(op.name)  # branch A's admin reads A's; the director must read B's
    assert not hidden, hidden


def test_the_teacher_of_both_branches_is_not_narrowed(world, api):
    client = api(world.teacher)
    groups = text_of(client.get("/groups"))
    assert world.a.marker in groups and world.b.marker in groups
    for side in (world.a, world.b):
        assert client.get(f"/lessons/{side.ids['lesson_id']}").status_code == 200
        assert client.get(f"/lessons/{side.ids['lesson_id']}/attendance").status_code == 200

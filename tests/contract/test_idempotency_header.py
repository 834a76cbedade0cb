"""The creating POSTs that take an Idempotency-Key say so in the document, with the 409 it can cause,
so a generated client can send it and type the conflict."""

from __future__ import annotations

import pytest

from tests.contract.snapshot import current_schema

REQUIRED = {
    "create_payment",
    "confirm_payment",
    "refund_payment",
    "deposit_to_balance",
    "withdraw_from_balance",
    "create_user",
    "create_broadcast",
    "submit_homework",
    "award_student_coins",
    "deduct_student_coins",
}


@pytest.fixture(scope="module")
def operations():
    schema = current_schema()
    return {op["operationId"]: op for item in schema["paths"].values() for op in item.values()}


def _takes_key(op) -> bool:
    return any(p["in"] == "header" and p["name"] == "Idempotency-Key" for p in op.get("parameters", []))


def test_every_creating_post_named_by_the_issue_takes_the_key(operations):
    missing = sorted(name for name in REQUIRED if not _takes_key(operations[name]))
    assert not missing


def test_every_operation_taking_the_key_is_a_post_declaring_409(operations):
    taking = {name: op for name, op in operations.items() if _takes_key(op)}
    assert len(taking) >= len(REQUIRED)
    for name, op in taking.items():
        assert "409" in op["responses"], name

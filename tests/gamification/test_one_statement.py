"""The one-statement coin post (Postgres, autocommit): a change with nothing else to commit is one
data-modifying CTE, no BEGIN/COMMIT; every other case takes the transactional path. Needs real
autocommit, so these tests run outside a wrapping transaction."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from core.exceptions import Conflict
from modules.gamification.badges import HUNDRED_COINS
from modules.gamification.models import CoinTransaction, Reason, StudentAchievement
from modules.gamification.services import coins_post
from modules.gamification.signals import coins_changed
from tests.factories.accounts import StudentFactory
from tests.factories.courses import GroupFactory, MembershipFactory
from tests.factories.gamification import give_coins
from tests.gamification.conftest import balance_of, ledger_sum

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a data-modifying CTE is Postgres"),
    pytest.mark.django_db(transaction=True),
]


def post(student, amount, key, **kw):
    with CaptureQueriesContext(connection) as ctx:
        result = coins_post(
            student_id=student.pk, amount=amount, reason=Reason.MANUAL_AWARD, idempotency_key=key, **kw
        )
    return result, [q["sql"] for q in ctx.captured_queries]


@pytest.fixture
def funded():
    student = StudentFactory()
    give_coins(student, 10)  # the balance row exists: the common case
    return student


def test_a_plain_award_is_one_statement_and_keeps_the_ledger_true(funded):
    (tx, created), sql = post(funded, 5, "one")
    assert created and len(sql) == 1 and sql[0].startswith("WITH moved AS")
    assert not any(s in ("BEGIN", "COMMIT") for s in sql)
    stored = CoinTransaction.objects.get(pk=tx.pk)
    assert (stored.amount, stored.idempotency_key, stored.created_at) == (5, "one", tx.created_at)
    assert balance_of(funded) == 15 == ledger_sum(funded)


def test_a_deduction_within_the_balance_is_one_statement(funded):
    (tx, created), sql = post(funded, -4, "spend")
    assert created and len(sql) == 1
    assert balance_of(funded) == 6 == ledger_sum(funded)


def test_a_reused_key_changes_nothing_and_answers_the_first(funded):
    (first, _), _ = post(funded, 5, "again")
    (second, created), _ = post(funded, 5, "again")
    assert not created and second.pk == first.pk
    assert balance_of(funded) == 15 == ledger_sum(funded)


def test_not_enough_coins_is_refused_whole(funded):
    with pytest.raises(Conflict) as caught:
        post(funded, -50, "overdraw")
    assert caught.value.code == "insufficient_coins"
    assert balance_of(funded) == 10 == ledger_sum(funded)


def test_crossing_a_badge_threshold_takes_the_transaction_and_awards_it(funded):
    (tx, created), sql = post(funded, 95, "big")
    assert created and "BEGIN" in sql and not any(s.startswith("WITH moved") for s in sql[1:])
    assert StudentAchievement.objects.filter(student=funded, code=HUNDRED_COINS.code).exists()
    assert balance_of(funded) == 105 == ledger_sum(funded)


def test_a_first_award_creates_the_balance_in_a_transaction():
    student = StudentFactory()
    (tx, created), sql = post(student, 7, "first")
    assert created and "BEGIN" in sql
    assert balance_of(student) == 7 == ledger_sum(student)


def test_a_group_award_takes_the_transaction_for_its_leaderboard_task(funded):
    group = GroupFactory()
    MembershipFactory(group=group, student=funded)
    (tx, created), sql = post(funded, 3, "group", group_id=group.pk)
    assert created and "BEGIN" in sql and "COMMIT" in sql
    assert balance_of(funded) == 13 == ledger_sum(funded)


def test_inside_a_callers_transaction_the_award_shares_its_fate(funded):
    with pytest.raises(RuntimeError), transaction.atomic():
        post(funded, 5, "rolled-back")
        raise RuntimeError("the caller fails after the award")
    assert not CoinTransaction.objects.filter(idempotency_key="rolled-back").exists()
    assert balance_of(funded) == 10 == ledger_sum(funded)


def test_a_connected_receiver_gets_the_transaction(funded):
    heard = []

    def receiver(sender, event, **kw):
        heard.append(connection.in_atomic_block)

    coins_changed.connect(receiver, sender=CoinTransaction)
    try:
        (tx, created), sql = post(funded, 2, "heard")
    finally:
        coins_changed.disconnect(receiver, sender=CoinTransaction)
    assert created and heard == [True]  # it could enqueue atomically with the write
    assert balance_of(funded) == 12 == ledger_sum(funded)


def test_an_admins_api_award_is_one_write_statement(api, admin, funded):
    with CaptureQueriesContext(connection) as ctx:
        response = api(admin).post(f"/students/{funded.pk}/coins/award", {"amount": 4, "note": "api"})
    assert response.status_code == 201, response.content
    sql = [q["sql"] for q in ctx.captured_queries]
    writes = [s for s in sql if not s.startswith("SELECT")]
    assert len(writes) == 1 and writes[0].startswith("WITH moved AS"), sql
    assert balance_of(funded) == 14 == ledger_sum(funded)


def _prepared_awards() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE 'WITH moved AS%%'")
        return cursor.fetchone()[0]


def test_the_statement_is_prepared_once_per_connection_and_logged_in_full(funded):
    post(funded, 1, "prepared-1")
    (tx, _), sql = post(funded, 2, "prepared-2")
    assert _prepared_awards() == 1  # the second award reused the first one's statement
    assert "balance + 2" in sql[0] and "'prepared-2'" in sql[0]  # the log shows the values, not $n
    stored = CoinTransaction.objects.get(pk=tx.pk)
    assert (stored.source_id, stored.group_id, stored.created_by_id) == (None, None, None)  # cast NULLs
    assert balance_of(funded) == 13 == ledger_sum(funded)


def test_other_statements_stay_unprepared(funded):
    post(funded, 1, "only-this")
    for _ in range(10):  # past psycopg's usual threshold of 5
        CoinTransaction.objects.filter(student=funded).count()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement NOT LIKE 'WITH moved AS%%'"
        )
        assert cursor.fetchone()[0] == 0
    assert connection.connection.prepare_threshold is None  # Django's setting, restored


def test_prepared_statements_can_be_turned_off(funded, settings):
    settings.DB_PREPARED_STATEMENTS = False
    connection.close()  # a fresh session: nothing prepared on it yet
    (tx, created), sql = post(funded, 3, "unprepared")
    assert created and len(sql) == 1 and _prepared_awards() == 0
    assert balance_of(funded) == 13 == ledger_sum(funded)

"""The rows a write appends beside its own (audit entries, the outbox's task rows), inserted in one
statement per table at the end of the write instead of one statement each as they come.

    with transaction.atomic(), write_batch():
        ...  # the service's writes; receivers call insert_in_batch(row) / core.tasks.enqueue(...)

Inside the block insert_in_batch() holds the unsaved instance; when the block ends without an
exception, the held rows still belonging to the transaction are bulk-inserted, one INSERT per model,
before the transaction commits: they stay atomic with the write. A row held inside a savepoint that
was later rolled back must not be written, and Django already knows which those are: each held row
is registered as an on_commit callback (Django drops those of a rolled-back savepoint), and the flush
writes only the survivors. Outside a block, or outside a transaction, insert_in_batch() saves at once,
so 'written in the caller's transaction' holds either way.

If the block raises and the caller still commits (it caught the error), the held rows are written
right after that commit by their callbacks: late, never lost."""

from __future__ import annotations

import threading
from collections import defaultdict
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Model

_state = threading.local()


class _Held:
    """One held row; called by Django only if the transaction commits before the batch flushed it."""

    def __init__(self, row: Model, using: str):
        self.row = row
        self.using = using
        self.written = False

    def __call__(self) -> None:
        if not self.written:
            self.written = True
            self.row.save(force_insert=True, using=self.using)


def _open_batches() -> dict[str, list[_Held]]:
    if not hasattr(_state, "batches"):
        _state.batches = {}
    return _state.batches


def insert_in_batch(row: Model, using: str = DEFAULT_DB_ALIAS) -> None:
    held_rows = _open_batches().get(using)
    if held_rows is None or not connections[using].in_atomic_block:
        row.save(force_insert=True, using=using)
        return
    held = _Held(row, using)
    transaction.on_commit(held, using=using)
    held_rows.append(held)


@contextmanager
def write_batch(using: str = DEFAULT_DB_ALIAS):
    """Open inside the write's transaction (after its atomic() in the same `with`). A batch opened
    while another is open on the same database joins it: the outermost one flushes."""
    batches = _open_batches()
    if using in batches or not connections[using].in_atomic_block:
        yield
        return
    batches[using] = held_rows = []
    try:
        yield
    finally:
        del batches[using]
    _flush(held_rows, using)  # reached only without an exception


def _flush(held_rows: list[_Held], using: str) -> None:
    pending = {id(callback) for _, callback, _ in connections[using].run_on_commit}
    by_model: dict[type[Model], list[_Held]] = defaultdict(list)
    for held in held_rows:
        if id(held) in pending and not held.written:
            by_model[type(held.row)].append(held)
    for model, rows in by_model.items():
        model._default_manager.using(using).bulk_create([held.row for held in rows])
        for held in rows:
            held.written = True

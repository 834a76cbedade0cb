"""gc_paused(): the collector is off inside, back as it was after (errors and nesting included);
freeze_startup_heap(): what a serving process built at startup is out of the full collections' walk."""

from __future__ import annotations

import gc

import pytest

from core.gc_pause import gc_paused


def test_the_collector_is_off_inside_and_on_after():
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_an_error_inside_still_turns_it_back_on():
    with pytest.raises(RuntimeError), gc_paused():
        raise RuntimeError("inside")
    assert gc.isenabled()


def test_a_pause_inside_a_pause_leaves_it_off_until_the_outer_one_ends():
    with gc_paused():
        with gc_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off():
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.django_db
def test_a_leaderboard_refresh_ranks_with_the_collector_paused(monkeypatch):
    from modules.gamification.services import leaderboards

    seen = []
    monkeypatch.setattr(leaderboards, "rankings", lambda **kw: seen.append(gc.isenabled()) or [])
    leaderboards.leaderboards_refresh()
    assert seen == [False]
    assert gc.isenabled()


def test_freezing_the_startup_heap_moves_the_app_out_of_the_collectors_reach():
    from core.gc_pause import freeze_startup_heap

    gc.unfreeze()
    try:
        frozen = freeze_startup_heap()
        assert frozen > 10_000  # the models, URLconf and API schemas at least
        # a full collection walks the old generation only, now a small part of the heap
        assert len(gc.get_objects(generation=2)) < frozen / 10
    finally:
        gc.unfreeze()


def test_every_gunicorn_worker_freezes_its_heap_once_the_app_is_loaded(monkeypatch):
    from types import SimpleNamespace

    from core import gunicorn_conf

    calls, logged = [], []
    monkeypatch.setattr("core.gc_pause.freeze_startup_heap", lambda: calls.append(1) or 123)
    gunicorn_conf.post_worker_init(SimpleNamespace(log=SimpleNamespace(info=lambda *a: logged.append(a))))
    assert calls == [1]
    assert logged == [("froze %d startup objects", 123)]

"""gc_paused(): the collector is off inside, back as it was after (errors and nesting included)."""

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

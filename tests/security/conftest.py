"""Regression tests of the security review (one file per finding, named after its row). The
WebSocket ones reuse the realtime test helpers and their per-test fixtures."""

from tests.realtime.conftest import _db_on_the_test_thread, _fresh_layer  # noqa: F401  (autouse)

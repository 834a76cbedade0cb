"""Database work of the WebSocket path (the handshake's ticket or token check, the subscribe rule).

channels' database_sync_to_async runs every call, from every socket of the process, on ONE shared
thread: a reconnect storm after a deploy then waits on one database round trip at a time. These
calls are independent reads, so they run on a small pool of their own (REALTIME_DB_THREADS, each
thread keeping its own connection). REALTIME_DB_THREADS = 0 falls back to channels' shared thread,
which is what tests use to stay inside their transaction."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from channels.db import database_sync_to_async

from realtime.conf import limit

_pools: dict[int, ThreadPoolExecutor] = {}


def _pool(size: int) -> ThreadPoolExecutor:
    if size not in _pools:
        _pools[size] = ThreadPoolExecutor(max_workers=size, thread_name_prefix="realtime-db")
    return _pools[size]


async def run_db(fn, *args):
    size = limit("DB_THREADS")
    if size <= 0:
        return await database_sync_to_async(fn)(*args)
    return await database_sync_to_async(fn, thread_sensitive=False, executor=_pool(size))(*args)

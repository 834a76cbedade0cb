"""One Redis connection pool per process for everything that talks to Redis through Django's cache
(the cache itself, throttles, WebSocket tickets, the settings cache).

Django keeps one cache object per thread, and under ASGI per request context; each object builds its
own redis-py pool, so daphne opened a fresh TCP connection to Redis for every request (≈ 1.3 ms each
on this machine, 50 requests → 50 connections). The cache backend below hands every cache object of a
process the same pool. redis-py's pool notices a fork (it compares pids) and starts empty in the
child, so a pool built before gunicorn forks is never shared across processes.

The pool blocks (up to REDIS_POOL_TIMEOUT seconds) instead of failing once REDIS_POOL_MAX connections
are busy, so a burst waits for a free connection rather than turning into errors. The channel layer
is asyncio code with its own pool per event loop (one long-lived loop per process, see
realtime/publish.py), which redis-py cannot share with this synchronous pool."""

from __future__ import annotations

import threading

import redis
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

_pools: dict[tuple, redis.ConnectionPool] = {}
_lock = threading.Lock()
_clients: dict[int, redis.Redis] = {}


def shared_pool(url: str, **options) -> redis.ConnectionPool:
    """The process's pool for `url` with these options, built on first use."""
    key = (url, tuple(sorted((k, repr(v)) for k, v in options.items())))
    pool = _pools.get(key)
    if pool is None:
        with _lock:
            pool = _pools.get(key)
            if pool is None:
                pool = _pools[key] = redis.BlockingConnectionPool.from_url(url, **options)
    return pool


class SharedPoolCacheClient(RedisCacheClient):
    def _get_connection_pool(self, write):
        index = self._get_connection_pool_index(write)
        return shared_pool(self._servers[index], **self._pool_options)

    def get_client(self, key=None, *, write=False):
        # Django builds a new redis.Redis per cache call, and redis-py's __init__ copies its table of
        # ~150 response callbacks each time (a third of a cheap GET's CPU). A client holds no
        # connection of its own (it borrows from the pool per command), so one per pool is enough.
        pool = self._get_connection_pool(write)
        client = _clients.get(id(pool))
        if client is None or client.connection_pool is not pool:
            client = _clients[id(pool)] = self._client(connection_pool=pool)
        return client


class SharedPoolRedisCache(RedisCache):
    """django.core.cache.backends.redis.RedisCache whose connections come from the process's pool."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedPoolCacheClient

    def clear(self) -> bool:
        """Deletes this cache's keys only. Django's clear() is FLUSHDB, which would also wipe what
        else lives in the Redis database: the WebSocket sequences and replay logs, and, in tests,
        the keys of every other xdist worker (each has its own KEY_PREFIX)."""
        client = self._cache.get_client(write=True)
        batch: list = []
        for key in client.scan_iter(match=self.make_key("*"), count=1000):
            batch.append(key)
            if len(batch) == 1000:
                client.delete(*batch)
                batch.clear()
        if batch:
            client.delete(*batch)
        return True

"""Per-channel sequence numbers and the bounded log that replays missed events.

Every event gets `seq`, one more than the channel's previous event, when it leaves (after the
commit), and is kept for REALTIME_REPLAY_SECONDS (600) but at most REALTIME_REPLAY_MAX_EVENTS (1,000)
per channel. A client that reconnects subscribes with `since` (the last seq it saw) and is sent what
it missed, or told to resync when that is no longer kept.

With the Redis channel layer the counter and the log live in Redis, so every process (daphne, the
worker) numbers one channel in one sequence: a Lua script does INCR, XADD (the stream entry's id IS
the seq, so `since` is an XRANGE bound) and the trims atomically, one round trip for a whole batch of
events (a pipeline). Atomic matters: a reader never sees a seq whose entry is not in the stream yet.
With the in-memory layer (one process) an in-process counter and ring buffer do the same."""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings

from realtime.conf import limit


def with_seq(head: str, seq: int) -> str:
    """The envelope's JSON (`head` is it without its closing brace) with `seq` as its last key."""
    return f'{head},"seq":{seq}}}'


@dataclass(frozen=True)
class Replay:
    latest: int  # the channel's latest seq when the log was read
    texts: list[str] | None  # the missed events in order; None: they are gone (the client resyncs)


def _window_ms() -> int:
    return limit("REPLAY_SECONDS") * 1000


def _now_ms() -> int:
    return int(time.time() * 1000)


def _replay(since: int, latest: int, entries: list[tuple[int, int, str]], upto: int | None) -> Replay:
    """`entries`: (seq, stored at ms, text) after `since`, oldest first; only those up to `upto` are
    wanted (a socket already hears the channel live after that). A gap that cannot be filled
    (trimmed, expired, or `since` from before the counter was reset) is a resync."""
    if since > latest:
        return Replay(latest, None)
    end = latest if upto is None else min(upto, latest)
    if since >= end:
        return Replay(latest, [])
    if end - since > limit("REPLAY_MAX_EVENTS"):  # MAXLEN ~ trims lazily: hold to the bound exactly
        return Replay(latest, None)
    oldest_kept = _now_ms() - _window_ms()
    if not entries or entries[0][0] != since + 1 or entries[0][1] < oldest_kept:
        return Replay(latest, None)
    return Replay(latest, [text for seq, _, text in entries if seq <= end])


class MemorySequencer:
    """For the in-memory channel layer: publishers (any thread) and consumers share one process."""

    def __init__(self):
        self._lock = threading.Lock()
        self._latest: dict[str, int] = {}
        self._logs: dict[str, deque] = {}

    def stamp(self, items: list[tuple[str, str]]) -> list[tuple[int, str]]:
        """[(channel, head)] → [(seq, text)], logged for replay."""
        stamped, now = [], _now_ms()
        with self._lock:
            for channel, head in items:
                seq = self._latest[channel] = self._latest.get(channel, 0) + 1
                text = with_seq(head, seq)
                log = self._logs.setdefault(channel, deque(maxlen=limit("REPLAY_MAX_EVENTS")))
                log.append((seq, now, text))
                stamped.append((seq, text))
        return stamped

    def latest(self, channel: str) -> int:
        with self._lock:
            return self._latest.get(channel, 0)

    def latest_many(self, channels: list[str]) -> dict[str, int]:
        with self._lock:
            return {channel: self._latest.get(channel, 0) for channel in channels}

    def replay(self, channel: str, since: int, upto: int | None = None) -> Replay:
        with self._lock:
            latest = self._latest.get(channel, 0)
            entries = [e for e in self._logs.get(channel, ()) if e[0] > since]
        return _replay(since, latest, entries, upto)

    def clear(self) -> None:
        with self._lock:
            self._latest.clear()
            self._logs.clear()


# KEYS: counter, stream. ARGV: head, now ms, max events, keep seconds. Returns the seq.
_STAMP = """
local seq = redis.call('INCR', KEYS[1])
local text = ARGV[1] .. ',"seq":' .. seq .. '}'
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], seq .. '-0', 't', ARGV[2], 'text', text)
redis.call('EXPIRE', KEYS[2], ARGV[4])
return seq
"""


class RedisSequencer:
    def __init__(self, url: str, prefix: str):
        import redis

        from core.redis_pool import shared_pool

        self._redis = redis.Redis(connection_pool=shared_pool(url))
        self._no_script = redis.exceptions.NoScriptError
        self._sha = self._redis.script_load(_STAMP)
        self._prefix = f"{prefix}rt."

    def _keys(self, channel: str) -> tuple[str, str]:
        return f"{self._prefix}seq.{channel}", f"{self._prefix}log.{channel}"

    def stamp(self, items: list[tuple[str, str]]) -> list[tuple[int, str]]:
        try:
            seqs = self._stamp(items)
        except self._no_script:  # Redis restarted and forgot the script: none of the batch ran
            self._sha = self._redis.script_load(_STAMP)
            seqs = self._stamp(items)
        return [(int(seq), with_seq(head, int(seq))) for seq, (_, head) in zip(seqs, items, strict=True)]

    def _stamp(self, items: list[tuple[str, str]]) -> list:
        # EVALSHA in a plain pipeline: redis-py's Script objects would add a SCRIPT EXISTS round trip
        now, keep, maxlen = _now_ms(), limit("REPLAY_SECONDS"), limit("REPLAY_MAX_EVENTS")
        pipe = self._redis.pipeline(transaction=False)
        for channel, head in items:
            pipe.evalsha(self._sha, 2, *self._keys(channel), head, now, maxlen, keep)
        return pipe.execute()

    def latest(self, channel: str) -> int:
        return int(self._redis.get(self._keys(channel)[0]) or 0)

    def latest_many(self, channels: list[str]) -> dict[str, int]:
        values = self._redis.mget([self._keys(channel)[0] for channel in channels])
        return {channel: int(value or 0) for channel, value in zip(channels, values, strict=True)}

    def replay(self, channel: str, since: int, upto: int | None = None) -> Replay:
        counter, log = self._keys(channel)
        pipe = self._redis.pipeline(transaction=True)  # the counter and the log as of one instant
        pipe.get(counter)
        pipe.xrange(log, min=f"({since}-0", max="+", count=limit("REPLAY_MAX_EVENTS") + 1)
        latest, rows = pipe.execute()
        entries = [(int(entry_id.split(b"-")[0]), int(f[b"t"]), f[b"text"].decode()) for entry_id, f in rows]
        return _replay(since, int(latest or 0), entries, upto)

    def clear(self) -> None:
        keys = list(self._redis.scan_iter(match=f"{self._prefix}*", count=1000))
        if keys:
            self._redis.delete(*keys)


@lru_cache(maxsize=1)
def _build(backend: str, url: str, prefix: str):
    if "InMemory" in backend or not url:
        return MemorySequencer()
    return RedisSequencer(url, prefix)


def sequencer() -> MemorySequencer | RedisSequencer:
    """The sequencer matching the channel layer: cross-process exactly when delivery is."""
    layer = settings.CHANNEL_LAYERS["default"]
    config = layer.get("CONFIG", {})
    hosts = config.get("hosts") or [""]
    url = hosts[0]["address"] if isinstance(hosts[0], dict) else hosts[0]
    return _build(layer["BACKEND"], str(url or ""), config.get("prefix", ""))

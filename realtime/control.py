"""Control messages to open sockets: "check again who you are and what you may hear".

A socket's subscriptions are authorized once, when they are made; the user can be deactivated,
demoted or leave a group while the socket stays open. Whatever changes such a fact calls
`recheck_on_commit()`; after the commit, every socket concerned re-reads its user and asks the
registry again about its channels:

- `recheck_on_commit(user_id=7)`: every socket of user 7 re-checks all its channels (deactivation,
  role change, a guardianship removed).
- `recheck_on_commit(channel="group:12")`: every socket subscribed to group:12 re-checks that channel
  (a membership ended, the group's teacher changed).

An inactive user's socket is closed with 4401; a channel no longer allowed is left, and the client is
told `{"type": "unsubscribed", "channel": ..., "reason": "forbidden"}`."""

from __future__ import annotations

from django.db import transaction

from realtime.groups import group_name, user_channel

RECHECK = "realtime.recheck"


def recheck_message(channel: str | None) -> dict:
    return {"type": RECHECK, "channel": channel}


def recheck_on_commit(*, user_id: int | None = None, channel: str | None = None) -> None:
    if (user_id is None) == (channel is None):
        raise ValueError("give exactly one of user_id and channel")
    target = channel if channel is not None else user_channel(user_id)
    group_name(target)  # a bad channel name fails now, inside the caller's transaction

    def send() -> None:
        from realtime.publish import group_send_now

        group_send_now(target, recheck_message(channel))

    transaction.on_commit(send)

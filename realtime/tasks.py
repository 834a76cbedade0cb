"""Worker tasks of the real-time layer.

`broadcast` publishes an event from the qcluster worker: for work that decides what to announce only
after its own transaction (a scheduled job, a long import), enqueue it with
`core.tasks.enqueue("realtime.tasks.broadcast", channel, type, data, event_id)`. Pass an `event_id`
(any uuid chosen when enqueueing): if django-q2 retries the task, the event goes out again under the
same id and clients drop the repeat. `type` must be a declared event type and `data` a dict its model
accepts (a model with `resolve_*` methods, such as NotificationOut, reads objects, not dicts: publish
those from the module itself)."""

from __future__ import annotations

from typing import Any

from realtime.publish import publish_on_commit


def broadcast(channel: str, type: str, data: dict[str, Any], event_id: str | None = None) -> str:
    """Returns the event id (stored as the task's result)."""
    return publish_on_commit(channel=channel, type=type, data=data, id=event_id)["id"]

"""WebSocket infrastructure. Imports nothing from modules/: modules register with it instead."""


def publish_on_commit(*, channel: str, type: str, data: dict, id: str | None = None) -> dict:
    from realtime.publish import publish_on_commit as _publish

    return _publish(channel=channel, type=type, data=data, id=id)


def publish_many_on_commit(events: list[dict]) -> list[dict]:
    """Many events (dicts of channel, type, data), all sent in one batch after commit."""
    from realtime.publish import publish_many_on_commit as _publish_many

    return _publish_many(events)

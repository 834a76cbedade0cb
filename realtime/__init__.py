"""WebSocket infrastructure. Imports nothing from modules/: modules register with it instead."""


def publish_on_commit(*, channel: str, type: str, data: dict, id: str | None = None) -> dict:
    from realtime.publish import publish_on_commit as _publish

    return _publish(channel=channel, type=type, data=data, id=id)


def publish_many_on_commit(events: list[dict]) -> list[dict]:
    """Many events (dicts of channel, type, data), all sent in one batch after commit."""
    from realtime.publish import publish_many_on_commit as _publish_many

    return _publish_many(events)


def event_type(name: str, data, *, channels: tuple[str, ...], summary: str):
    """Declares an event type and the pydantic model of its `data` (realtime/contract.py)."""
    from realtime.contract import event_type as _declare

    return _declare(name, data, channels=channels, summary=summary)

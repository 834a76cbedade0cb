"""WebSocket infrastructure. Imports nothing from modules/: modules register with it instead."""


def publish_on_commit(*, channel: str, type: str, data: dict, id: str | None = None) -> dict:
    from realtime.publish import publish_on_commit as _publish

    return _publish(channel=channel, type=type, data=data, id=id)

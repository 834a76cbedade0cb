"""The one WebSocket consumer (`/ws/`). Protocol (docs/realtime.md):

server → `welcome` on connect (the user's own channels already joined), then events
`{type, channel, id, ts, data}`; client → `{"action": "subscribe"|"unsubscribe", "channel": ...}` or
`{"action": "ping"}`. Every event carries its channel's `seq`; `subscribe` with `since` sends what the
client missed on that channel first (or `resync`), exactly once. Every mistake is answered with `{"type": "error", "code": ...}` and the
connection stays open; only a failed authentication (4401 on connect, or a user deactivated since)
closes it.

Subscriptions are re-checked when the facts behind them change (realtime/control.py): the socket of
a deactivated user is closed with 4401, a channel the user may no longer hear is left with
`{"type": "unsubscribed", "channel": ..., "reason": "forbidden"}`."""

from __future__ import annotations

import json
import logging

from channels.generic.websocket import AsyncWebsocketConsumer
from django.contrib.auth import get_user_model
from pydantic import BaseModel, ValidationError

from realtime import registry
from realtime.conf import limit
from realtime.db import run_db
from realtime.frames import (
    ErrorFrame,
    PingAction,
    PongFrame,
    ResyncFrame,
    SubscribeAction,
    SubscribedFrame,
    UnsubscribeAction,
    UnsubscribedFrame,
    WelcomeData,
    WelcomeFrame,
    frame_json,
)
from realtime.groups import group_name, user_channel
from realtime.sequence import sequencer

logger = logging.getLogger("markaz.realtime")

CLOSE_UNAUTHENTICATED = 4401


class RealtimeConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        self.joined: set[str] = set()
        self.subscriptions: set[str] = set()  # explicit ones; the own channels are not counted
        # channel -> its latest seq when this socket joined it: later events reach the socket live
        self.joined_at: dict[str, int] = {}
        # channel -> the last seq a replay sent: a live copy of an event up to it is dropped
        self.replayed_upto: dict[str, int] = {}
        self.user = self.scope.get("user")
        # Accept first: a close before accept becomes an HTTP 403 and the client never sees 4401.
        await self.accept()
        if self.user is None or not self.user.is_authenticated:
            self.user = None
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        own = await run_db(registry.channels_on_connect, self.user)
        for channel in own:
            await self._join(channel)
        self.joined_at = await run_db(sequencer().latest_many, own)
        data = WelcomeData(user_id=self.user.pk, channels=own, seq=self.joined_at)
        await self._send(WelcomeFrame(data=data))

    async def disconnect(self, code):
        for channel in list(getattr(self, "joined", ())):
            await self.channel_layer.group_discard(group_name(channel), self.channel_name)
        self.joined = set()

    async def receive(self, text_data=None, bytes_data=None):
        if self.user is None:
            return
        if text_data is None:
            return await self._error("unsupported_frame", "Send JSON in text frames.")
        max_bytes = limit("MAX_FRAME_BYTES")
        if len(text_data) > max_bytes or len(text_data.encode()) > max_bytes:
            return await self._error("frame_too_large", f"Frames are limited to {max_bytes} bytes.")
        try:
            frame = json.loads(text_data)
        except ValueError:
            return await self._error("malformed", "The frame is not valid JSON.")
        if not isinstance(frame, dict):
            return await self._error("malformed", "The frame must be a JSON object.")
        handler = self.ACTIONS.get(frame.get("action")) if isinstance(frame.get("action"), str) else None
        if handler is None:
            return await self._error("unknown_action", "Actions: subscribe, unsubscribe, ping.")
        await handler(self, frame)

    async def realtime_event(self, message):
        """An event from publish_on_commit(), already encoded once for every recipient."""
        if message.get("seq", 0) <= self.replayed_upto.get(message.get("channel"), 0):
            return  # this socket was just sent it by a replay
        await self.send(text_data=message["text"])

    async def realtime_recheck(self, message):
        """A control message (realtime/control.py): re-authorize one channel, or all of them."""
        if self.user is None:
            return
        only = message.get("channel")
        if only is not None and only not in self.joined:
            return  # a channel this socket does not hear: nothing to check
        channels = [only] if only else sorted(self.joined - {user_channel(self.user.pk)})
        verdicts = await run_db(self._recheck, channels)
        if verdicts is None:
            await self._error("not_authenticated", "The account is no longer active.")
            await self.close(code=CLOSE_UNAUTHENTICATED)
            self.user = None
            return
        for channel, allowed in verdicts.items():
            if not allowed:
                await self._leave(channel)
                await self._send(UnsubscribedFrame(channel=channel, reason="forbidden"))

    # --- actions -----------------------------------------------------------------------------------

    async def _subscribe(self, frame: dict) -> None:
        action = await self._parse(SubscribeAction, frame)
        if action is None:
            return
        channel, since = action.channel, action.since
        if channel in self.joined and since is None:
            latest = await run_db(sequencer().latest, channel)
            return await self._send(SubscribedFrame(channel=channel, seq=latest))
        if channel not in self.joined and len(self.subscriptions) >= limit("MAX_SUBSCRIPTIONS"):
            return await self._error("too_many_subscriptions", "Unsubscribe from something first.", channel)
        # Re-checked even for a joined channel: a replay must not outlive the right to hear it.
        verdict = await run_db(self._authorize, channel)
        if verdict == "inactive":
            await self._error("not_authenticated", "The account is no longer active.", channel)
            return await self.close(code=CLOSE_UNAUTHENTICATED)
        if verdict != "ok":
            return await self._error("forbidden", "You may not subscribe to this channel.", channel)
        if channel not in self.joined:
            await self._join(channel)  # before the log is read: nothing can fall between the two
            self.subscriptions.add(channel)
            self.joined_at.pop(channel, None)
        await self._replay(channel, since)

    async def _replay(self, channel: str, since: int | None) -> None:
        """`subscribed` with the channel's latest seq, then what came after `since` (up to where the
        socket hears the channel live), or `resync` when that is no longer kept."""
        upto = self.joined_at.get(channel)
        if since is None:
            replay = None
            latest = await run_db(sequencer().latest, channel)
        else:
            replay = await run_db(sequencer().replay, channel, since, upto)
            latest = replay.latest
        self.joined_at.setdefault(channel, latest)
        await self._send(SubscribedFrame(channel=channel, seq=latest))
        if replay is None:
            return
        if replay.texts is None:
            await self._send(ResyncFrame(channel=channel, seq=latest))
        else:
            for text in replay.texts:
                await self.send(text_data=text)
        self.replayed_upto[channel] = self.joined_at[channel]

    async def _unsubscribe(self, frame: dict) -> None:
        action = await self._parse(UnsubscribeAction, frame)
        if action is None:
            return
        if action.channel in self.joined:
            await self._leave(action.channel)
        await self._send(UnsubscribedFrame(channel=action.channel))

    async def _ping(self, frame: dict) -> None:
        if await self._parse(PingAction, frame) is not None:
            await self._send(PongFrame())

    ACTIONS = {"subscribe": _subscribe, "unsubscribe": _unsubscribe, "ping": _ping}

    # --- helpers -----------------------------------------------------------------------------------

    def _authorize(self, channel: str) -> str:
        """Re-reads the user (deactivated or demoted since connecting?) and asks the registry."""
        user = get_user_model().objects.filter(pk=self.user.pk, is_active=True).first()
        if user is None:
            return "inactive"
        self.user = user
        try:
            return "ok" if registry.can_subscribe(user, channel) else "forbidden"
        except Exception:  # a broken authorizer refuses; it must not kill the socket
            logger.exception("authorizer failed for %s on %s", user.pk, channel)
            return "forbidden"

    def _recheck(self, channels: list[str]) -> dict[str, bool] | None:
        """None when the user is no longer active, else each channel's verdict."""
        user = get_user_model().objects.filter(pk=self.user.pk, is_active=True).first()
        if user is None:
            return None
        self.user = user
        verdicts = {}
        for channel in channels:
            try:
                verdicts[channel] = bool(registry.can_subscribe(user, channel))
            except Exception:  # a broken authorizer refuses, as on subscribe
                logger.exception("authorizer failed for %s on %s", user.pk, channel)
                verdicts[channel] = False
        return verdicts

    async def _leave(self, channel: str) -> None:
        await self.channel_layer.group_discard(group_name(channel), self.channel_name)
        self.joined.discard(channel)
        self.subscriptions.discard(channel)
        self.joined_at.pop(channel, None)
        self.replayed_upto.pop(channel, None)

    async def _join(self, channel: str) -> None:
        await self.channel_layer.group_add(group_name(channel), self.channel_name)
        self.joined.add(channel)

    async def _send(self, frame: BaseModel) -> None:
        await self.send(text_data=frame_json(frame))

    async def _error(self, code: str, detail: str, channel=None) -> None:
        channel = channel[:100] if isinstance(channel, str) else None
        await self._send(ErrorFrame(code=code, detail=detail, channel=channel))

    async def _parse(self, model: type[BaseModel], frame: dict) -> BaseModel | None:
        """The action as its model reads it, or None after answering with the error it earns."""
        try:
            return model.model_validate(frame)
        except ValidationError as exc:
            field = exc.errors()[0]["loc"][0] if exc.errors()[0]["loc"] else None
            if field == "since":
                await self._error(
                    "invalid_since", "since is the last seq seen: an integer >= 0.", frame.get("channel")
                )
            elif field == "channel":
                await self._error("invalid_channel", "Unknown channel name.", frame.get("channel"))
            else:
                await self._error("malformed", "The frame does not match its action.")
            return None

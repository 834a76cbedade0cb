"""The socket's own frames as pydantic models: what a client may send (actions) and what the server
answers besides events. The consumer parses actions and builds its answers through these models, and
the AsyncAPI document (realtime/asyncapi.py) is generated from them, so the two cannot drift."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from realtime.groups import CHANNEL_PATTERN

ErrorCode = Literal[
    "malformed",
    "unknown_action",
    "unsupported_frame",
    "frame_too_large",
    "invalid_channel",
    "invalid_since",
    "forbidden",
    "too_many_subscriptions",
    "not_authenticated",
]

Channel = Field(pattern=CHANNEL_PATTERN, description="`kind:key` (`group:12`, `user:7`) or `dashboard`")
Seq = Field(ge=0, description="the channel's latest sequence number (0: nothing sent on it yet)")


class Action(BaseModel):
    # Unknown keys are ignored, not refused: a client may tag its frames with ids of its own.
    model_config = ConfigDict(extra="ignore")


class SubscribeAction(Action):
    """Hear a channel (again): answered with `subscribed`, `forbidden` or another error."""

    action: Literal["subscribe"]
    channel: str = Channel
    since: int | None = Field(
        None,
        ge=0,
        strict=True,
        description="the last `seq` seen on this channel: the events after it are sent again (or "
        "`resync` when they are no longer kept). Also allowed on the channels joined at connect.",
    )


class UnsubscribeAction(Action):
    """Stop hearing a channel: answered with `unsubscribed` (also when it was not joined)."""

    action: Literal["unsubscribe"]
    channel: str = Channel


class PingAction(Action):
    """Keep-alive: answered with `pong`."""

    action: Literal["ping"]


ACTIONS = (SubscribeAction, UnsubscribeAction, PingAction)


class WelcomeData(BaseModel):
    user_id: int
    channels: list[str] = Field(description="joined already: `user:<id>`, and `dashboard` for admins")
    seq: dict[str, int] = Field(
        description="each joined channel's latest seq at connect: events after it arrive live; to get "
        "what was missed before, subscribe to the channel with `since`"
    )


class WelcomeFrame(BaseModel):
    """Sent once on connect; the user's own channels are joined already."""

    type: Literal["welcome"] = "welcome"
    data: WelcomeData


class SubscribedFrame(BaseModel):
    """The channel is joined; with `since`, the missed events (or `resync`) follow it."""

    type: Literal["subscribed"] = "subscribed"
    channel: str = Channel
    seq: int = Seq


class UnsubscribedFrame(BaseModel):
    """The channel is left (asked for, or `reason: forbidden` when the right to hear it ended)."""

    type: Literal["unsubscribed"] = "unsubscribed"
    channel: str = Channel
    reason: Literal["forbidden"] | None = Field(
        None, description="set when the server left the channel because the user may no longer hear it"
    )


class ResyncFrame(BaseModel):
    """The events after `since` are no longer kept: refetch the channel's data over REST."""

    type: Literal["resync"] = "resync"
    channel: str = Channel
    seq: int = Field(ge=0, description="the channel's latest seq: refetch over REST, then resume from it")


class PongFrame(BaseModel):
    """The answer to `ping`."""

    type: Literal["pong"] = "pong"


class ErrorFrame(BaseModel):
    """A client frame was refused; the socket stays open."""

    type: Literal["error"] = "error"
    code: ErrorCode
    detail: str
    channel: str | None = Field(None, max_length=100, description="the channel the action named")


SERVER_FRAMES = (
    WelcomeFrame,
    SubscribedFrame,
    UnsubscribedFrame,
    ResyncFrame,
    PongFrame,
    ErrorFrame,
)


def frame_json(frame: BaseModel) -> str:
    """A server frame as sent: fields left unset (an error without a channel) are left out."""
    return frame.model_dump_json(exclude_none=True)

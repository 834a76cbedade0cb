"""Signals the courses module sends. Payloads are frozen dataclasses of ids (JSON-able with
dataclasses.asdict).

membership_changed(sender, event: MembershipChanged, membership, change, actor)
    change: "joined" | "left" | "frozen" | "unfrozen" | "moved". payments listens to start or stop
    billing schedules. "moved" is sent once, with the NEW membership (its moved_from is the closed
    one, now status left with left_on = the day of the move; event.moved_from_id names it). "frozen"
    is sent when a freeze period is added (it may start later: read membership.freezes), "unfrozen"
    when one is cut short.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.dispatch import Signal


@dataclass(frozen=True)
class MembershipChanged:
    membership_id: int
    group_id: int
    student_id: int
    change: str
    actor_id: int | None = None
    moved_from_id: int | None = None


membership_changed = Signal()

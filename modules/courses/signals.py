"""Signals the courses module sends.

membership_changed(sender, membership, change, actor)
    change: "joined" | "left" | "frozen" | "unfrozen" | "moved". payments listens to start or stop
    billing schedules. "moved" is sent once, with the NEW membership (its moved_from is the closed
    one, now status left with left_on = the day of the move). "frozen" is sent when a freeze period
    is added (it may start later: read membership.freezes), "unfrozen" when one is cut short.
"""

from django.dispatch import Signal

membership_changed = Signal()

"""Signals the courses module sends.

membership_changed(sender, membership, change, actor)
    change: "joined" | "left" | "frozen" | "unfrozen" | "moved". payments listens to start or stop
    billing schedules.
"""

from django.dispatch import Signal

membership_changed = Signal()

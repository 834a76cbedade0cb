"""Signals the lessons module sends (receivers connect in their AppConfig.ready()).

lesson_changed(sender, lesson, change, actor, previous_starts_at=None, reason="")
    change: "rescheduled" | "cancelled" | "completed" | "updated" ("updated": topic or notes
    changed; the time and status did not). previous_starts_at is set for "rescheduled"; reason for
    "rescheduled" and "cancelled". Sent inside the transaction; receivers that do slow work enqueue
    a task (core.tasks.enqueue runs it after commit).
"""

from django.dispatch import Signal

lesson_changed = Signal()

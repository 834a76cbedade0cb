"""Signals the lessons module sends (receivers connect in their AppConfig.ready()).

lesson_changed(sender, lesson, change, actor, previous_starts_at=None, reason="")
    change: "rescheduled" | "cancelled" | "completed". Sent inside the transaction; receivers that
    do slow work enqueue a task (core.tasks.enqueue runs it after commit).
"""

from django.dispatch import Signal

lesson_changed = Signal()

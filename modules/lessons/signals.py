"""Signals the lessons module sends (receivers connect in their AppConfig.ready()).

lesson_changed(sender, lesson, change, actor, previous_starts_at=None, reason="")
    change: "rescheduled" | "cancelled" | "completed" | "updated" | "created" ("updated": topic or
    notes changed; the time and status did not; "created": a make-up lesson was scheduled).
    previous_starts_at is set for "rescheduled"; reason for "rescheduled" and "cancelled". Sent
    inside the transaction; receivers that do slow work enqueue a task (core.tasks.enqueue runs it
    after commit).

makeup_booked(sender, lesson, original, student_ids, actor)
    students absent from `original` got seats at `lesson` (a new make-up lesson, or another group's
    lesson of the same course). Sent inside the transaction.
"""

from django.dispatch import Signal

lesson_changed = Signal()
makeup_booked = Signal()

"""Signals the attendance module sends.

attendance_marked(sender, lesson, changes, actor)
    changes: list[dict] with {"student_id", "before" (status or None), "after" (status), "record_id"};
    only records whose status actually changed. Sent once per bulk mark, inside the transaction
    (an import sends it once per lesson it changed); never when no status changed.

trial_marked(sender, lesson, changes, actor)
    changes: list[dict] with {"lead_id", "visit_id", "before" (status or None), "after"}: the trial
    guests of `lesson` whose status changed in one mark. Sent inside the transaction.
"""

from django.dispatch import Signal

attendance_marked = Signal()
trial_marked = Signal()

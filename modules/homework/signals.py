"""Signals the homework module sends.

homework_assigned(sender, homework, actor)
homework_reviewed(sender, submission, previous_score, actor)
    previous_score: the score before this review (None on the first review); gamification writes a
    compensating transaction when a score is lowered.
homework_scored(sender, submission)         automatic scoring finished (before a teacher's review)
homework_deadline(sender, homework, student_ids, kind)
    kind: "due_24h" | "due_2h" | "missed"; each (homework, student, kind) is sent at most once.
"""

from django.dispatch import Signal

homework_assigned = Signal()
homework_reviewed = Signal()
homework_scored = Signal()
homework_deadline = Signal()

"""Signals the payments module sends.

payment_created(sender, payment)
payment_due_soon(sender, payment, days)      days: 3 or 1; at most once per payment and days
payment_overdue(sender, payment_ids)         payments that just became overdue (one set-based update)
payment_paid(sender, payment, on_time)       on_time: paid on or before the due date
payment_refunded(sender, payment)
payment_cancelled(sender, payment)
"""

from django.dispatch import Signal

payment_created = Signal()
payment_due_soon = Signal()
payment_overdue = Signal()
payment_paid = Signal()
payment_refunded = Signal()
payment_cancelled = Signal()

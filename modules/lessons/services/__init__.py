"""Every write to lessons goes through these services: generation (lessons from weekly schedules),
lessons (update, reschedule, cancel, complete) and calendar (private iCalendar feeds)."""

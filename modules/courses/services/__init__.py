"""Every write to courses goes through these services (the API, the admin and seed share them):
catalog (branches, courses, rooms, holidays), groups, roster (memberships and freezes)."""

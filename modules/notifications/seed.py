"""Demo notifications: a welcome announcement from the demo admin to everyone (once), so every demo
login opens on an unread notification. Invoices, lessons and attendance seeded by other modules add
their own through the receivers."""

from __future__ import annotations

from modules.accounts.models import User
from modules.notifications import services
from modules.notifications.models import Broadcast

DEMO_ADMIN = "admin@demo.markaz.uz"
TITLE = "Welcome to Markaz"
BODY = (
    "Lessons, homework, payments and coins are all here. Connect Telegram in your profile to get "
    "alerts there too."
)


def seed(stdout, *, students: int = 0) -> None:
    admin = User.objects.filter(email=DEMO_ADMIN).first()
    if admin is None:
        stdout.write("  notifications: no demo admin yet; skipped")
        return
    if Broadcast.objects.filter(sender=admin, title=TITLE).exists():
        return
    broadcast = services.broadcast_create(
        sender=admin, title=TITLE, body=BODY, group_id=None, roles=None, channels=["in_app"]
    )
    # Fanned out here rather than by a worker, so a fresh demo shows it at once (the queued task
    # then finds it done and does nothing).
    count = services.broadcast_fan_out(broadcast_id=broadcast.pk)
    stdout.write(f"  sent the welcome announcement to {count} users")

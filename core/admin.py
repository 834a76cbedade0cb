"""The Unfold admin site: theme settings live in settings.UNFOLD; the dashboard's numbers come from
each module's selectors through dashboard_callback."""

from __future__ import annotations

from django.contrib.auth import get_user_model


def dashboard_callback(request, context):
    User = get_user_model()
    counts = {role: User.objects.filter(role=role, is_active=True).count() for role in User.Role.values}
    context.update({"kpis": [{"title": f"Active {role}s", "value": n} for role, n in counts.items()]})
    return context

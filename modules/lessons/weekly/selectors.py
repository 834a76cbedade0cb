from __future__ import annotations

from django.db.models import QuerySet

from modules.courses.models import LessonSchedule


def group_schedules(group_id: int) -> QuerySet[LessonSchedule]:
    return (
        LessonSchedule.objects.filter(group_id=group_id)
        .select_related("room")
        .order_by("weekday", "start_time", "id")
    )

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory

from modules.courses.models import Group
from modules.lessons.models import Lesson
from tests.factories.courses import GroupFactory, LessonScheduleFactory


@pytest.mark.django_db
def test_admin_generate_action_queues_the_lessons_task(admin, teacher, run_on_commit):
    group = GroupFactory(teacher=teacher)
    LessonScheduleFactory(group=group)
    finished = GroupFactory(teacher=teacher, status=Group.Status.FINISHED)
    LessonScheduleFactory(group=finished, weekday=1)
    model_admin = site._registry[Group]
    request = RequestFactory().post("/admin/courses/group/")
    request.user = admin
    messages = []
    model_admin.message_user = lambda request, message, *args, **kwargs: messages.append(message)
    with run_on_commit():
        model_admin.generate_lessons(request, Group.objects.filter(pk__in=[group.pk, finished.pk]))
    assert Lesson.objects.filter(group=group).count() >= 3  # a weekly slot over the 4-week horizon
    assert not Lesson.objects.filter(group=finished).exists()
    assert messages == ["Lesson generation queued for 1 group."]

from __future__ import annotations

import io
from datetime import timedelta

from django.utils import timezone

from modules.accounts import seed as accounts_seed
from modules.courses import seed as courses_seed
from modules.lessons import seed as lessons_seed
from modules.lessons.models import Lesson


def _seed():
    out = io.StringIO()
    for module in (accounts_seed, courses_seed, lessons_seed):
        module.seed(out, students=0)


def test_demo_group_with_lessons_around_today_and_idempotent(db):
    _seed()
    group = courses_seed.demo_group()
    assert group.teacher == accounts_seed.demo_user("teacher")
    assert list(group.memberships.values_list("student__email", flat=True)) == ["student@demo.markaz.uz"]
    assert group.schedules.count() == 3
    lessons = Lesson.objects.filter(group=group)
    today = timezone.localdate()
    days = {timezone.localtime(x).date() for x in lessons.values_list("starts_at", flat=True)}
    assert min(days) >= today - timedelta(weeks=4) and max(days) <= today + timedelta(weeks=4)
    assert any(d < today for d in days) and any(d > today for d in days)
    assert 20 <= len(days) <= 27  # three a week over eight weeks (holidays may take a few)
    count = lessons.count()
    _seed()
    assert Lesson.objects.filter(group=group).count() == count
    assert group.memberships.count() == 1 and group.schedules.count() == 3


def test_scale_demo_is_clash_free_and_idempotent(db):
    from modules.courses import seed_scale as courses_scale
    from modules.courses.models import Group, Membership
    from modules.courses.seed_scale import SCALE_PREFIX
    from modules.lessons import seed_scale as lessons_scale

    out = io.StringIO()
    for _ in range(2):
        for module in (accounts_seed, courses_seed, lessons_seed):
            module.seed(out, students=250)
        for module in (courses_scale, lessons_scale):
            module.seed_scale(out, students=250)
    groups = Group.objects.filter(name__startswith=SCALE_PREFIX)
    assert groups.count() == 13  # 250 / 20, rounded up
    assert Membership.objects.filter(group__in=groups).count() == 250
    assert groups.values("teacher").distinct().count() == 2
    lessons = Lesson.objects.filter(group__in=groups)
    assert lessons.count() >= 13 * 20
    # every scale group got every slot: regenerating finds them all, nothing was skipped as busy
    from modules.lessons.services.generation import lessons_generate

    today = timezone.localdate()
    rerun = lessons_generate(
        groups=list(groups), date_from=today - timedelta(weeks=4), date_to=today + timedelta(weeks=4)
    )
    assert rerun.created == 0
    assert {s.reason for s in rerun.skipped} <= {"exists", "completed", "holiday"}  # none "busy"

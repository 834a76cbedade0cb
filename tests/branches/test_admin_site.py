"""The admin site per branch: every changelist of a branch admin without the other branch's rows,
its change pages closed, related choices and autocompletes limited, branch staff left to the
director, the center-wide pages hidden; the dashboard per branch."""

from __future__ import annotations

from datetime import time

import pytest
from django.contrib import admin
from django.urls import reverse

from modules.backoffice.admin_branches import DIRECTOR, RULES, SHARED
from modules.backoffice.dashboard import center_today
from modules.courses.models import Branch, Group
from modules.lessons.models import Lesson
from modules.payments.models import Payment
from tests.branches.conftest import World
from tests.factories.accounts import AdminFactory
from tests.factories.courses import GroupFactory, local_dt
from tests.factories.lessons import LessonFactory

REGISTERED = sorted(admin.site._registry.items(), key=lambda kv: kv[0]._meta.label_lower)
SCOPED = [(model, ma) for model, ma in REGISTERED if RULES[model._meta.label_lower] not in (DIRECTOR, SHARED)]
# one row of each side per model, where the world has one: (model, key of Side.ids)
ROWS = [
    (Branch, "branch_id"),
    (Group, "group_id"),
    (Lesson, "lesson_id"),
    (Payment, "payment_id"),
]


def _changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def _change(model, pk: int) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[pk])


def test_every_registered_model_is_placed_in_the_branch_rules():
    labels = {model._meta.label_lower for model, _ in REGISTERED}
    assert labels - RULES.keys() == set(), "place these models in admin_branches.RULES"
    assert RULES.keys() - labels == set(), "these RULES name no registered model"


@pytest.fixture
def logged_in(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.mark.parametrize("who", ["a", "b"])
def test_no_changelist_of_a_branch_admin_shows_the_other_branch(world: World, logged_in, who):
    side = getattr(world, who)
    client = logged_in(side.admin)
    leaks, opened = [], 0
    for model, _ in SCOPED:
        response = client.get(_changelist(model))
        assert response.status_code == 200, model._meta.label
        opened += 1
        if world.other(side).marker in response.content.decode():
            leaks.append(model._meta.label)
    assert opened == len(SCOPED) and not leaks, leaks


def test_the_director_sees_both_branches(world: World, logged_in):
    client = logged_in(world.director)
    for model in (Group, Lesson, Payment):
        page = client.get(_changelist(model)).content.decode()
        assert world.a.marker in page and world.b.marker in page, model._meta.label


def test_the_other_branchs_change_pages_are_closed(world: World, logged_in):
    client = logged_in(world.a.admin)
    for model, key in ROWS:
        theirs = client.get(_change(model, world.b.ids[key]))
        assert theirs.status_code == 302 and theirs["Location"] == reverse("admin:index"), model
        assert client.get(_change(model, world.a.ids[key])).status_code == 200, model


def test_center_wide_pages_are_the_directors(world: World, logged_in):
    client = logged_in(world.a.admin)
    for model, _ in REGISTERED:
        if RULES[model._meta.label_lower] == DIRECTOR:
            assert client.get(_changelist(model)).status_code == 403, model._meta.label
    course = next(model for model, _ in REGISTERED if model._meta.label_lower == "courses.course")
    page = client.get(_changelist(course))
    assert page.status_code == 200  # the catalogue is read, not changed
    add = reverse("admin:courses_course_add")
    assert client.get(add).status_code == 403


def test_a_branch_filter_offers_only_the_callers_branches(world: World, logged_in):
    third = Branch.objects.create(name="Third branch")
    LessonFactory(group=GroupFactory(branch=third, name="Third group"))
    two = AdminFactory()
    two.staff_branches.add(world.a.branch, third)
    page = logged_in(two).get(_changelist(Lesson)).content.decode()
    assert f"group__branch__id__exact={world.a.branch.pk}" in page
    assert f"group__branch__id__exact={third.pk}" in page
    assert f"group__branch__id__exact={world.b.branch.pk}" not in page


def test_related_choices_are_the_callers_branches(world: World, logged_in, rf):
    client = logged_in(world.a.admin)
    form = client.get(reverse("admin:courses_group_add")).content.decode()
    assert f"{world.a.marker} room" in form and world.b.marker not in form
    search = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "courses", "model_name": "group", "field_name": "teacher", "term": ""},
    )
    names = [row["text"] for row in search.json()["results"]]
    assert any("Tess Both" in name for name in names)
    assert all(world.b.marker not in name for name in names)
    request = rf.get("/admin/")
    request.user = world.a.admin
    raw_ids = admin.site._registry[Lesson].get_form(request)().fields["group"].queryset  # a raw-id field
    assert set(raw_ids.values_list("pk", flat=True)) == {world.a.ids["group_id"]}


def test_a_lesson_in_another_branchs_group_cannot_be_saved(world: World, logged_in):
    client = logged_in(world.a.admin)
    lesson = Lesson.objects.get(pk=world.a.ids["upcoming_lesson_id"])
    before = Lesson.objects.filter(group_id=world.b.ids["group_id"]).count()
    response = client.post(
        reverse("admin:lessons_lesson_add"),
        {
            "group": world.b.ids["group_id"],
            "teacher": lesson.teacher_id,
            "starts_at_0": "2026-12-20",
            "starts_at_1": "10:00",
            "ends_at_0": "2026-12-20",
            "ends_at_1": "11:30",
            "status": "scheduled",
            "kind": "regular",
        },
    )
    assert Lesson.objects.filter(group_id=world.b.ids["group_id"]).count() == before
    assert "group" in response.context["adminform"].form.errors


def test_branch_staff_is_the_directors_to_change(world: World, logged_in):
    client = logged_in(world.a.admin)
    url = _change(Branch, world.a.branch.pk)
    client.post(
        url, {"name": world.a.branch.name, "address": "x", "phone": "", "is_active": "on", "staff": []}
    )
    assert list(world.a.branch.staff.all()) == [world.a.admin]
    assert client.get(reverse("admin:courses_branch_add")).status_code == 403
    director = logged_in(world.director).get(url).content.decode()
    assert 'name="staff"' in director


def test_the_dashboard_counts_the_viewers_branch(world: World, logged_in):
    for side in (world.a, world.b):
        LessonFactory(group_id=side.ids["group_id"], starts_at=local_dt(center_today(), time(23, 0)))
    client = logged_in(world.a.admin)
    own = client.get(reverse("admin:index")).content.decode()
    assert f"{world.a.marker} group" in own and f"{world.b.marker} group" not in own
    assert client.get(reverse("admin:index"), {"branch": world.b.branch.pk}).status_code == 404
    director = logged_in(world.director)
    both = director.get(reverse("admin:index")).content.decode()
    assert f"{world.a.marker} group" in both and f"{world.b.marker} group" in both
    one = director.get(reverse("admin:index"), {"branch": world.b.branch.pk}).content.decode()
    assert f"{world.b.marker} group" in one and f"{world.a.marker} group" not in one

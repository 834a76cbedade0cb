"""Every registered admin renders for a superuser (list, search, add, change) and is refused to
anyone who is not staff. Objects come from the project's factories (tests/factories), so admins and
factories that land later are covered without touching this file."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import factory
import pytest
from django.contrib import admin
from django.db import transaction
from django.test import RequestFactory
from django.urls import reverse

import tests.factories
from tests.factories.accounts import StudentFactory, TeacherFactory, UserFactory

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry.items(), key=lambda kv: kv[0]._meta.label_lower)


def _factories_by_model() -> dict:
    found: dict = {}
    for info in pkgutil.iter_modules(tests.factories.__path__):
        module = importlib.import_module(f"tests.factories.{info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, factory.django.DjangoModelFactory) and cls._meta.model is not None:
                found.setdefault(cls._meta.model._meta.concrete_model, cls)
    return found


@pytest.fixture
def populated(db):
    """One object (at least) of every registered model a project factory can make."""
    _infrastructure_rows()
    factories = _factories_by_model()
    for model, _ in REGISTERED:
        concrete = model._meta.concrete_model
        if model._default_manager.exists() or concrete not in factories:
            continue
        with transaction.atomic():
            factories[concrete]()
    _ledger_rows()


def _ledger_rows() -> None:
    """Ledgers only their services write (coins, the money balance, pay rates), made through them."""
    from datetime import date

    from modules.gamification.services.manual import coins_award
    from modules.payments.balance import balance_deposit
    from modules.payroll.services import rate_create

    staff = UserFactory(role="admin")
    student, teacher = StudentFactory(), TeacherFactory()
    coins_award(actor=staff, student=student, amount=5, note="admin pages")
    balance_deposit(student=student, amount=100_000, method="cash", actor=staff)
    rate_create(teacher=teacher, kind="per_lesson", amount=5_000_000, active_from=date(2026, 1, 1))


def _infrastructure_rows() -> None:
    """Rows of the models no module factory makes: auth, django-q2, audit."""
    from django.contrib.auth.models import Group
    from django.utils import timezone
    from django_q.models import OrmQ, Schedule, Task

    from modules.audit.models import AuditLog
    from modules.center.models import SystemSettings

    now = timezone.now()
    Group.objects.create(name="Cashiers")
    Schedule.objects.create(name="nightly", func="math.floor", schedule_type=Schedule.DAILY)
    for ok in (True, False):
        Task.objects.create(
            id=f"task-{ok}", name=f"task-{ok}", func="math.floor", started=now, stopped=now, success=ok
        )
    OrmQ.objects.create(key="markaz", payload="x", lock=now)
    SystemSettings.objects.get_or_create(pk=1)
    AuditLog.objects.create(
        action="create", object_type="accounts.user", object_id="1", changes={"a": [1, 2]}
    )


def _urls(model, obj=None) -> dict[str, str]:
    info = (model._meta.app_label, model._meta.model_name)
    urls = {
        "changelist": reverse("admin:{}_{}_changelist".format(*info)),
        "add": reverse("admin:{}_{}_add".format(*info)),
    }
    if obj is not None:
        urls["change"] = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
    return urls


def test_registry_covers_the_project():
    labels = {model._meta.label_lower for model, _ in REGISTERED}
    assert {
        "accounts.user",
        "audit.auditlog",
        "center.systemsettings",
        "django_q.schedule",
        "auth.group",
    } <= labels


def test_django_q_admins_wear_unfold():
    from unfold.admin import ModelAdmin

    for model, model_admin in REGISTERED:
        assert isinstance(model_admin, ModelAdmin), f"{model._meta.label} is not an Unfold admin"


def test_every_admin_page_renders_for_a_superuser(client, populated):
    user = UserFactory(role="admin", is_staff=True, is_superuser=True)
    client.force_login(user)
    request = RequestFactory().get("/admin/")
    request.user = user
    failures, changed = [], []
    for model, model_admin in REGISTERED:
        obj = model._default_manager.order_by("pk").first()
        urls = _urls(model, obj)
        pages = [("changelist", urls["changelist"])]
        if model_admin.search_fields:
            pages.append(("search", urls["changelist"] + "?q=a"))
        if model_admin.has_add_permission(request):
            pages.append(("add", urls["add"]))
        if obj is not None:
            pages.append(("change", urls["change"]))
            changed.append(model._meta.label_lower)
        for kind, url in pages:
            response = client.get(url, follow=True)
            if response.status_code != 200:
                failures.append(f"{model._meta.label} {kind} {url}: {response.status_code}")
    assert failures == []
    # the factories reach most models, so change pages are really exercised
    assert len(changed) >= len(REGISTERED) * 2 // 3, sorted(changed)


@pytest.mark.parametrize("who", ["anonymous", "student", "teacher"])
def test_non_staff_are_sent_to_the_login_page(client, who):
    if who != "anonymous":
        client.force_login(StudentFactory() if who == "student" else TeacherFactory())
    for model, _ in REGISTERED:
        url = _urls(model)["changelist"]
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login")), url
    assert client.get(reverse("admin:index")).status_code == 302


def test_staff_without_permissions_are_refused(client):
    client.force_login(UserFactory(role="teacher", is_staff=True))
    refused = [model for model, _ in REGISTERED if client.get(_urls(model)["changelist"]).status_code == 403]
    assert len(refused) == len(REGISTERED)

"""What the audit takes of every instance an audited request loads: which models (answered once per
model, yet following AUDIT_EXCLUDED_MODELS when it changes) and which values (read from the
instance's __dict__: deferred fields skipped, mutable values copied, files by name)."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.test import override_settings

from modules.accounts.models import User
from modules.audit.snapshots import is_audited, loaded_values
from modules.courses.models import Room
from modules.gamification.models import CoinTransaction
from modules.resources.models import Resource
from tests.factories.accounts import StudentFactory
from tests.factories.courses import GroupFactory

pytestmark = pytest.mark.django_db


def test_audited_models_follow_the_setting_when_it_changes():
    assert is_audited(Room) and not is_audited(CoinTransaction)
    with override_settings(AUDIT_EXCLUDED_MODELS=["courses.room"]):
        assert not is_audited(Room)
    assert is_audited(Room)


def test_deferred_fields_are_skipped_without_a_query(django_assert_num_queries):
    student = StudentFactory(first_name="Aziz")
    loaded = User.objects.only("id", "first_name").get(pk=student.pk)
    with django_assert_num_queries(0):
        values = loaded_values(loaded)
    assert values == {"first_name": "Aziz"}


def test_loaded_values_are_the_stored_ones():
    student = StudentFactory(first_name="Aziz", last_name="Karimov")
    values = loaded_values(User.objects.get(pk=student.pk))
    assert values["first_name"] == "Aziz" and values["last_name"] == "Karimov"
    assert values["phone"] == student.phone and "id" not in values


def test_mutable_values_are_copied_so_an_in_place_change_shows():
    from modules.center.selectors import get_system_settings

    settings_row = get_system_settings()
    values = loaded_values(settings_row)
    assert values["coin_rules"] == settings_row.coin_rules
    assert values["coin_rules"] is not settings_row.coin_rules


def test_a_file_is_taken_by_its_name(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    resource = Resource(group=GroupFactory(), title="Notes")
    resource.file.save("notes.pdf", ContentFile(b"%PDF-1.4"), save=False)
    assert loaded_values(resource)["file"] == resource.file.name
    resource.file = ""
    assert loaded_values(resource)["file"] is None

from __future__ import annotations

import pytest
from django.core.cache import cache

from modules.center.models import SystemSettings
from modules.center.sections import with_defaults
from modules.center.selectors import CACHE_KEY, get_system_settings

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", ["teacher", "student", "parent", "outsider"])
def test_only_admins_read_or_change_settings(api, request, persona):
    client = api(request.getfixturevalue(persona))
    assert client.get("/settings").status_code == 403
    assert client.patch("/settings", {"billing_due_day": 10}).status_code == 403
    assert SystemSettings.objects.filter(billing_due_day=10).count() == 0


def test_anonymous_is_401(api):
    assert api().get("/settings").status_code == 401
    assert api().patch("/settings", {"billing_due_day": 10}).status_code == 401


def test_admin_reads_defaults(api, admin):
    r = api(admin).get("/settings")
    assert r.status_code == 200
    body = r.json()
    assert body["time_zone"] == "Asia/Tashkent"
    assert body["currency"] == "UZS"
    assert body["coin_rules"]["present"] == 10
    assert body["quiet_hours_start"] == "22:00:00"


def test_patch_changes_only_what_was_sent_and_merges_coin_rules(api, admin):
    r = api(admin).patch(
        "/settings",
        {
            "center_name": "Ilm Markazi",
            "billing_due_day": 28,
            "time_zone": "Asia/Tashkent",
            "coin_rules": {
                "present": 12,
                "homework_bands": [{"min_percent": 50, "coins": 3}, {"min_percent": 95, "coins": 30}],
            },
            "notification_defaults": {"parent": ["sms", "in_app", "sms"]},
        },
    )
    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["center_name"] == "Ilm Markazi"
    assert body["billing_due_day"] == 28
    assert body["generation_horizon_weeks"] == 4  # untouched
    assert body["coin_rules"]["present"] == 12
    assert body["coin_rules"]["late"] == 5  # merged, not replaced
    assert body["coin_rules"]["homework_bands"][0] == {"min_percent": 95, "coins": 30}  # highest first
    assert body["notification_defaults"]["parent"] == ["sms", "in_app"]
    assert body["notification_defaults"]["student"] == ["in_app", "telegram"]
    stored = SystemSettings.objects.get(pk=1)
    assert stored.coin_rules["present"] == 12 and "late" not in stored.coin_rules  # only overrides stored


def test_the_time_zone_is_the_deployments_and_cannot_drift(api, admin, settings):
    """One answer to "the center's zone": TIME_ZONE. A PATCH naming another zone is refused rather than
    stored where only half of the code would read it."""
    r = api(admin).patch("/settings", {"time_zone": "Asia/Samarkand"})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"][-1] == "time_zone"
    assert "TIME_ZONE" in r.json()["detail"][0]["msg"]
    settings.TIME_ZONE = "Asia/Samarkand"
    assert api(admin).get("/settings").json()["time_zone"] == "Asia/Samarkand"


def test_currency_is_always_uzs(api, admin):
    assert api(admin).patch("/settings", {"currency": "USD"}).status_code == 422
    assert api(admin).patch("/settings", {"currency": "UZS"}).json()["currency"] == "UZS"


@pytest.mark.parametrize(
    "payload",
    [
        {"time_zone": "Mars/Olympus_Mons"},
        {"time_zone": "../../etc/passwd"},
        {"billing_due_day": 0},
        {"billing_due_day": 31},
        {"generation_horizon_weeks": 0},
        {"max_upload_mb": -1},
        {"currency": "sum"},
        {"center_name": ""},
        {"quiet_hours_start": "25:00"},
        {"coin_rules": {"present": -5}},
        {"coin_rules": {"presnt": 5}},
        {"coin_rules": {"homework_bands": [{"min_percent": 150, "coins": 5}]}},
        {"coin_rules": {"homework_bands": "lots"}},
        {"coin_rules": ["present", 5]},
        {"notification_defaults": {"parent": ["pigeon"]}},
        {"notification_defaults": {"robot": ["sms"]}},
        {"billing_due_day": "fifth"},
    ],
)
def test_nonsense_is_422_and_changes_nothing(api, admin, payload):
    before = api(admin).get("/settings").json()
    r = api(admin).patch("/settings", payload)
    assert r.status_code == 422, r.content
    assert r.json()["code"] == "validation_error"
    assert isinstance(r.json()["detail"], list)
    assert api(admin).get("/settings").json() == before


def test_cache_is_invalidated_on_change(api, admin, django_assert_num_queries):
    first = get_system_settings()
    assert cache.get(CACHE_KEY) is not None
    with django_assert_num_queries(0):
        assert get_system_settings().billing_due_day == first.billing_due_day
    assert api(admin).patch("/settings", {"billing_due_day": 15}).status_code == 200
    assert get_system_settings().billing_due_day == 15


def test_admin_form_refuses_nonsense_and_saves_sane_values(client, admin):
    client.force_login(admin)
    SystemSettings.objects.get_or_create(pk=1)
    url = "/admin/center/systemsettings/1/change/"
    form = {
        "center_name": "Markaz",
        "billing_due_day": "5",
        "generation_horizon_weeks": "4",
        "attendance_edit_window_days": "3",
        "max_upload_mb": "50",
        "audio_max_seconds": "600",
        "homework_resubmission_allowed": "on",
        "consecutive_absence_threshold": "3",
        "quiet_hours_start": "22:00",
        "quiet_hours_end": "08:00",
        "notification_defaults": '{"admin": ["in_app"]}',
        "coin_rules": '{"present": -1}',
    }
    r = client.post(url, form)
    assert r.status_code == 200  # the form again, with errors
    assert SystemSettings.objects.get(pk=1).coin_rules == {}
    form.update(coin_rules='{"present": 7}')
    r = client.post(url, form)
    assert r.status_code == 302
    rules = with_defaults("coin_rules", get_system_settings().coin_rules)
    assert rules["present"] == 7 and rules["late"] == 5  # keys left out keep their defaults


def test_settings_list_page_opens_the_single_row(client, admin):
    client.force_login(admin)
    r = client.get("/admin/center/systemsettings/")
    assert r.status_code == 302 and r["Location"].endswith("/admin/center/systemsettings/1/change/")


@pytest.mark.parametrize("persona", ["admin", "teacher", "student", "parent", "outsider"])
def test_every_signed_in_user_reads_the_center_zone_and_locale(api, request, persona, time_machine):
    time_machine.move_to("2026-10-01T20:30:00Z", tick=False)  # already the 2nd in Tashkent
    SystemSettings.objects.update_or_create(pk=1, defaults={"center_name": "Ilm Markazi"})
    cache.delete(CACHE_KEY)
    r = api(request.getfixturevalue(persona)).get("/center")
    assert r.status_code == 200, r.content
    assert r.json() == {
        "name": "Ilm Markazi",
        "time_zone": "Asia/Tashkent",
        "utc_offset": "+05:00",
        "today": "2026-10-02",
        "now": "2026-10-02T01:30:00+05:00",
        "currency": "UZS",
        "currency_minor_units": 100,
        "default_language": "en",
        "languages": [
            {"code": "uz", "name": "O‘zbekcha"},
            {"code": "ru", "name": "Русский"},
            {"code": "en", "name": "English"},
        ],
    }


def test_the_center_is_not_public(api):
    r = api().get("/center")
    assert r.status_code == 401 and r.json()["code"] == "not_authenticated"

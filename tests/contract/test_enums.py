"""What a client switches on is an enum in the document, and settings sections are typed objects:
a TypeScript `switch` over them is checked, not a guess at strings."""

from __future__ import annotations

import pytest

from core.api import api as markaz_api


@pytest.fixture(scope="module")
def components():
    return markaz_api.get_openapi_schema()["components"]["schemas"]


def _enum(components, name, field) -> set[str]:
    prop = components[name]["properties"][field]
    ref = prop.get("$ref") or next((p["$ref"] for p in prop.get("anyOf", []) if "$ref" in p), None)
    if ref:
        return set(components[ref.rsplit("/", 1)[1]]["enum"])
    options = prop.get("anyOf", [prop])
    return {value for option in options for value in option.get("enum", [option.get("const")]) if value}


@pytest.mark.parametrize(
    "name,field,member",
    [
        ("NotificationOut", "kind", "attendance_absent"),
        ("PreferenceRowOut", "kind", "homework_assigned"),
        ("NotificationLogOut", "status", "delivered"),
        ("NotificationLogOut", "channel", "telegram"),
        ("ActorOut", "role", "teacher"),
        ("LessonAttendanceOut", "lesson_status", "cancelled"),
        ("GroupReportLessonOut", "status", "completed"),
        ("AttendanceChangeOut", "after_status", "late"),
        ("AttendanceChangeOut", "source", "import"),
        ("LeadEventOut", "kind", "trial_booked"),
        ("LeadEventOut", "to_status", "won"),
        ("LeadTrialOut", "status", "present"),
    ],
)
def test_kinds_roles_and_statuses_are_enums(components, name, field, member):
    assert member in _enum(components, name, field)


def test_settings_sections_are_typed_objects(components):
    settings = components["SystemSettingsOut"]["properties"]
    assert settings["coin_rules"] == {"$ref": "#/components/schemas/CoinRulesOut"}
    rules = components["CoinRulesOut"]
    assert {"present", "homework_bands", "streak_bonus"} <= set(rules["required"])
    assert settings["notification_defaults"] == {"$ref": "#/components/schemas/NotificationDefaultsOut"}

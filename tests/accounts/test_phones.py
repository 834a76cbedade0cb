import pytest

from modules.accounts.phones import InvalidPhone, display_phone, eskiz_phone, normalize_phone


@pytest.mark.parametrize(
    "raw",
    ["+998 90 123 45 67", "998901234567", "901234567", "90-123-45-67", "+998(90)123-45-67", " 90 123 4567 "],
)
def test_common_forms_normalize_to_e164(raw):
    assert normalize_phone(raw) == "+998901234567"


@pytest.mark.parametrize(
    "raw", ["", "12345", "+7 901 234 56 78", "99890123456", "abcdefghi", "+998 00 123 45 67"]
)
def test_invalid_numbers_are_refused(raw):
    with pytest.raises(InvalidPhone):
        normalize_phone(raw)


def test_newer_operator_codes_are_accepted():
    assert normalize_phone("33 123 45 67") == "+998331234567"
    assert normalize_phone("77 123 45 67") == "+998771234567"


def test_display_and_eskiz_forms():
    assert display_phone("+998901234567") == "+998 90 123 45 67"
    assert eskiz_phone("+998901234567") == "998901234567"

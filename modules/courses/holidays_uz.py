"""Uzbekistan's public holidays (Labour Code, art. 132). Fixed dates every year, plus the two Hayit
days whose dates follow the lunar calendar and are set each year by the Muslim Board; the table holds
the expected dates (check them against the official announcement and adjust in the admin).
The government's extra bridge days off are announced yearly and are not included."""

from __future__ import annotations

from datetime import date

FIXED = [
    (1, 1, "New Year"),
    (3, 8, "International Women's Day"),
    (3, 21, "Navruz"),
    (5, 9, "Day of Remembrance and Honour"),
    (9, 1, "Independence Day"),
    (10, 1, "Teachers' and Mentors' Day"),
    (12, 8, "Constitution Day"),
]

# Ramazon Hayit (Eid al-Fitr) and Qurbon Hayit (Eid al-Adha): expected dates in Uzbekistan
MOVABLE = {
    2024: [(date(2024, 4, 10), "Ramazon Hayit"), (date(2024, 6, 16), "Qurbon Hayit")],
    2025: [(date(2025, 3, 30), "Ramazon Hayit"), (date(2025, 6, 6), "Qurbon Hayit")],
    2026: [(date(2026, 3, 20), "Ramazon Hayit"), (date(2026, 5, 27), "Qurbon Hayit")],
    2027: [(date(2027, 3, 10), "Ramazon Hayit"), (date(2027, 5, 16), "Qurbon Hayit")],
    2028: [(date(2028, 2, 27), "Ramazon Hayit"), (date(2028, 5, 5), "Qurbon Hayit")],
    2029: [(date(2029, 2, 14), "Ramazon Hayit"), (date(2029, 4, 24), "Qurbon Hayit")],
    2030: [(date(2030, 2, 4), "Ramazon Hayit"), (date(2030, 4, 13), "Qurbon Hayit")],
}


def public_holidays(year: int, *, include_movable: bool = True) -> list[tuple[str, date, date]]:
    """(name, start, end) rows for one year; Navruz and New Year are single days here."""
    rows = [(name, date(year, month, day), date(year, month, day)) for month, day, name in FIXED]
    if include_movable:
        rows += [(name, day, day) for day, name in MOVABLE.get(year, [])]
    return sorted(rows, key=lambda row: row[1])

"""The achievements catalogue: badges are rules in code. Each is awarded at most once per student and
period ("" for once-ever badges) by services.achievements, which holds the rule for each code."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Badge:
    code: str
    name: str
    description: str
    coins: int  # bonus coins that come with the badge
    repeats: str  # "once" | "weekly" | "monthly"


FIRST_HOMEWORK = Badge("first_homework", "First homework", "Had a first homework reviewed.", 5, "once")
PERFECT_WEEK = Badge(
    "perfect_week", "Perfect week", "Present (on time) at every lesson of a week, at least two.", 20, "weekly"
)
LESSON_STREAK = Badge(
    "lesson_streak",
    "Lesson streak",
    "Attended the streak length of lessons in a row (10 by default).",
    0,
    "once",
)
TOP_THREE_MONTH = Badge(
    "top_three_month", "Top 3 of the month", "Finished a month in the top three of a group.", 30, "monthly"
)
HUNDRED_COINS = Badge("hundred_coins", "100 coins", "Reached a balance of 100 coins.", 0, "once")

CATALOGUE: dict[str, Badge] = {
    b.code: b for b in (FIRST_HOMEWORK, PERFECT_WEEK, LESSON_STREAK, TOP_THREE_MONTH, HUNDRED_COINS)
}

"""Demo materials: a course outline on the demo group (idempotent, by title)."""

from __future__ import annotations

from django.core.files.base import ContentFile

from modules.accounts.seed import demo_user
from modules.courses.seed import demo_group
from modules.resources.models import Resource
from modules.resources.services import resource_upload

OUTLINE_TITLE = "Course outline"
OUTLINE = """English B1 — course outline

Weeks 1-4: present tenses, daily routines, describing people.
Weeks 5-8: past tenses, telling stories, travel vocabulary.
Weeks 9-12: future forms, plans and predictions, a short presentation.
"""


def seed(stdout, *, students: int = 0) -> None:
    group = demo_group()
    if Resource.objects.filter(group=group, title=OUTLINE_TITLE).exists():
        return
    resource_upload(
        actor=demo_user("teacher"),
        upload=ContentFile(OUTLINE.encode(), name="outline.txt"),
        title=OUTLINE_TITLE,
        target=group,
    )
    stdout.write("  added a demo material")

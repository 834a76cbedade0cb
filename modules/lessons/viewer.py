"""The viewer's own status on each lesson ("my attendance"), shown on the lessons list and detail.
The status belongs to a module above lessons (attendance), which registers a loader in its
AppConfig.ready(); lessons never imports it. A loader answers for a whole page at once, so a page of
lessons costs one query more whatever its size.

A loader takes the viewer and the page's lesson ids and returns `{field: {lesson_id: value}}` for
fields LessonOut declares (`my_attendance`, `children_attendance`); a lesson it leaves out keeps
the field's default (null)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from modules.accounts.models import User

ViewerLoader = Callable[[User, list[int]], dict[str, dict[int, Any]]]

_loaders: list[ViewerLoader] = []


def register(loader: ViewerLoader) -> None:
    if loader not in _loaders:
        _loaders.append(loader)


def viewer_fields(viewer: User, lesson_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Per lesson id, the viewer's own fields from every registered loader."""
    ids = list(lesson_ids)
    merged: dict[int, dict[str, Any]] = {pk: {} for pk in ids}
    if not ids:
        return merged
    for loader in _loaders:
        for field, values in loader(viewer, ids).items():
            for pk, value in values.items():
                merged[pk][field] = value
    return merged


def with_viewer_fields(lesson, viewer: User):
    """`lesson` (a model instance) with the viewer's fields set as attributes LessonOut reads."""
    for field, value in viewer_fields(viewer, [lesson.pk])[lesson.pk].items():
        setattr(lesson, field, value)
    return lesson

"""Resource writes: upload (size limit, type by content, audio duration), rename, delete."""

from __future__ import annotations

import logging
import os

from django.db import transaction
from django.utils.translation import gettext as _

from core.exceptions import PayloadTooLarge
from modules.accounts.models import User
from modules.center.selectors import get_system_settings
from modules.courses.models import Course, Group
from modules.lessons.models import Lesson
from modules.resources.filetypes import RESOURCE_EXTENSIONS, audio_duration, require_type
from modules.resources.models import Resource

logger = logging.getLogger("markaz.resources")


def ensure_size(upload) -> None:
    limit_mb = get_system_settings().max_upload_mb
    if upload.size > limit_mb * 1024 * 1024:
        raise PayloadTooLarge(
            _("The file is larger than the {limit_mb} MB limit.").format(limit_mb=limit_mb),
            extra={"max_upload_mb": limit_mb},
        )


def resource_upload(
    *,
    actor: User,
    upload,
    title: str,
    target: Lesson | Group | Course,
    description: str = "",
) -> Resource:
    ensure_size(upload)
    found = require_type(upload, RESOURCE_EXTENSIONS)
    resource = Resource(
        title=title.strip(),
        description=description,
        original_name=os.path.basename(upload.name or "")[:255],
        kind=found.kind,
        content_type=found.mime,
        extension=found.extension,
        size=upload.size,
        duration_seconds=audio_duration(upload, found),
        uploaded_by=actor,
        **{_target_field(target): target},
    )
    resource.file.save(f"upload.{found.extension}", upload, save=False)
    try:
        resource.save()
    except Exception:
        # The row was not written: do not leave an orphan file behind.
        resource.file.storage.delete(resource.file.name)
        raise
    return resource


def _target_field(target) -> str:
    if isinstance(target, Lesson):
        return "lesson"
    if isinstance(target, Group):
        return "group"
    return "course"


def resource_update(
    *, resource: Resource, title: str | None = None, description: str | None = None
) -> Resource:
    fields = []
    if title is not None:
        resource.title = title.strip()
        fields.append("title")
    if description is not None:
        resource.description = description
        fields.append("description")
    if fields:
        resource.save(update_fields=[*fields, "updated_at"])
    return resource


def resource_delete(*, resource: Resource) -> None:
    storage, name = resource.file.storage, resource.file.name
    resource.delete()

    def remove_file():
        try:
            storage.delete(name)
        except Exception:  # the row is gone; a stray file is logged, not an error for the client
            logger.exception("could not delete stored file %s", name)

    # Only once the row is really gone, so a rollback never loses a file still referenced.
    transaction.on_commit(remove_file)

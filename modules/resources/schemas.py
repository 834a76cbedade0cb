from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from ninja.filter_schema import FilterLookup
from pydantic import model_validator

from core.schemas import InputSchema, QueryFilterSchema
from core.signed_files import link_expiry, signed_url
from modules.resources.selectors import download_name

Kind = Literal["document", "audio", "video", "image"]


class ResourceOut(Schema):
    id: int
    title: str
    description: str
    kind: Kind
    content_type: str
    extension: str
    size: int = Field(description="bytes")
    duration_seconds: float | None = Field(description="audio only, when it can be read")
    original_name: str
    lesson_id: int | None
    group_id: int | None
    course_id: int | None
    uploaded_by_id: int | None
    created_at: datetime
    download_url: str = Field(description="authorized download (a file, or a redirect to a short-lived URL)")
    url_expires_at: datetime = Field(
        description="when `url` stops working; fetch the material again for a new one"
    )
    url: str = Field(
        description="a short-lived link that needs no Bearer header (for <img>, <audio>, <a>); relative to "
        "the API's origin, or an absolute presigned URL on S3"
    )

    @staticmethod
    def resolve_download_url(obj) -> str:
        return f"/api/v1/resources/{obj.pk}/download"

    @staticmethod
    def resolve_url(obj) -> str:
        return signed_url(obj.file, filename=download_name(obj), content_type=obj.content_type).url

    @staticmethod
    def resolve_url_expires_at(obj) -> datetime:
        return link_expiry()


class ResourceUploadIn(InputSchema):
    title: str = Field(..., min_length=1, max_length=200)
    description: str = Field("", max_length=5000)
    lesson_id: int | None = None
    group_id: int | None = None
    course_id: int | None = None

    @model_validator(mode="after")
    def _exactly_one_target(self):
        given = [n for n in ("lesson_id", "group_id", "course_id") if getattr(self, n) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of lesson_id, group_id, course_id")
        return self


class ResourceUpdateIn(InputSchema):
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=5000)


class ResourceFilter(QueryFilterSchema):
    lesson_id: int | None = None
    group_id: int | None = None
    course_id: int | None = None
    kind: Kind | None = None
    search: Annotated[str | None, FilterLookup(["title__icontains", "description__icontains"])] = Field(
        None, max_length=100
    )

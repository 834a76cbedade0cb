from django.core.files.storage import Storage
from django.http import FileResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from ninja import File, Form, Query, Router, Status, UploadedFile

from core.idempotency import idempotent
from core.pagination import paginate
from core.permissions import Predicate, check
from core.schemas import errors
from modules.resources import permissions, selectors, services
from modules.resources.schemas import ResourceFilter, ResourceOut, ResourceUpdateIn, ResourceUploadIn

CAN_UPLOAD = Predicate(
    permissions.can_upload_to, _("Only the group's teacher or an admin may add materials here.")
)
CAN_MANAGE = Predicate(
    permissions.can_manage, _("Only the group's teacher or an admin may change this material.")
)

router = Router(tags=["resources"])

DOWNLOAD_OPENAPI = {
    "responses": {
        200: {
            "description": "The file itself (local storage)",
            "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
        },
        302: {"description": "A redirect to a short-lived signed URL (S3 storage)"},
    }
}


def _visible(request, resource_id: int):
    return (
        selectors.resources_visible_to(request.auth)
        .select_related("lesson__group", "group", "course")
        .get(pk=resource_id)
    )


@router.post(
    "/resources",
    response={201: ResourceOut, **errors(401, 403, 404, 413, 415, 422, 429)},
    summary="Upload a material to a lesson, a group or a course",
    description=(
        "Multipart: `file`, `title`, `description`?, and exactly one of `lesson_id`, `group_id`, `course_id`. "
        "The type is decided by the file's content (docx, pdf, pptx, xlsx, txt, mp3, m4a, ogg, wav, webm, mp4, "
        "png, jpg; else 415); larger than the `max_upload_mb` setting → 413. Teachers upload to their own "
        "groups and lessons; courses are admins' only."
    ),
)
@idempotent
def upload_resource(request, payload: Form[ResourceUploadIn], file: File[UploadedFile]):
    target = selectors.upload_target(
        request.auth, lesson_id=payload.lesson_id, group_id=payload.group_id, course_id=payload.course_id
    )
    check(CAN_UPLOAD, request.auth, target)
    resource = services.resource_upload(
        actor=request.auth, upload=file, title=payload.title, description=payload.description, target=target
    )
    return Status(201, resource)


@router.get(
    "/resources",
    response={200: list[ResourceOut], **errors(401, 422, 429)},
    summary="List the materials the caller may see",
)
@paginate
def list_resources(request, filters: Query[ResourceFilter]):
    return selectors.resource_list(request.auth, filters)


@router.get(
    "/resources/{resource_id}",
    response={200: ResourceOut, **errors(401, 404, 429)},
    summary="Get a material's details",
)
def get_resource(request, resource_id: int):
    return _visible(request, resource_id)


@router.patch(
    "/resources/{resource_id}",
    response={200: ResourceOut, **errors(401, 403, 404, 422, 429)},
    summary="Rename or describe a material",
)
def update_resource(request, resource_id: int, payload: ResourceUpdateIn):
    resource = _visible(request, resource_id)
    check(CAN_MANAGE, request.auth, resource)
    return services.resource_update(resource=resource, **payload.dict(exclude_unset=True))


@router.delete(
    "/resources/{resource_id}",
    response={204: None, **errors(401, 403, 404, 429)},
    summary="Delete a material and its file",
)
def delete_resource(request, resource_id: int):
    resource = _visible(request, resource_id)
    check(CAN_MANAGE, request.auth, resource)
    services.resource_delete(resource=resource)
    return Status(204, None)


@router.get(
    "/resources/{resource_id}/download",
    response={200: None, 302: None, **errors(401, 404, 429)},
    openapi_extra=DOWNLOAD_OPENAPI,
    summary="Download a material (streamed, or a redirect to a short-lived signed URL on S3)",
)
def download_resource(request, resource_id: int):
    resource = _visible(request, resource_id)
    storage: Storage = resource.file.storage
    filename = selectors.download_name(resource)
    if getattr(storage, "querystring_auth", False):
        disposition = content_disposition_header(as_attachment=True, filename=filename)
        url = storage.url(resource.file.name, parameters={"ResponseContentDisposition": disposition})
        return HttpResponseRedirect(url)
    response = FileResponse(
        storage.open(resource.file.name, "rb"),
        as_attachment=True,
        filename=filename,
        content_type=resource.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response

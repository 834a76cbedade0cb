"""The errors every operation declares in the OpenAPI document, added here once rather than on each
endpoint: 400 (a body or URL that cannot be read), 422 where there are parameters or a body, 413 where
there is a body, 415 where files are uploaded, 429 where a throttle applies. Every error body is the
operation family's `<Family>ErrorOut`: ErrorOut whose `code` is the enum of what that family can
answer (core.error_codes)."""

from __future__ import annotations

from http.client import responses as REASONS

from ninja.openapi.schema import REF_TEMPLATE

from core.error_codes import family_codes, package_of
from core.openapi_names import OUTPUT, REF_PREFIX, SEPARATOR, SPARSE
from core.schemas import ErrorOut

ERROR_OUT = f"ErrorOut{SEPARATOR}{SPARSE}"  # error models are sparse (core.openapi.DocumentSchema)
UPLOAD = "multipart/form-data"


def _family_schema(components: dict, family: str, generator) -> str:
    """Registers `<Family>ErrorOut` and `<Family>ErrorCode` once; returns the former's name."""
    name = f"{family.title()}ErrorOut"
    if name not in components:
        if ERROR_OUT not in components:
            schema = ErrorOut.model_json_schema(
                ref_template=REF_TEMPLATE, schema_generator=generator, mode=OUTPUT
            )
            components.update(schema.pop("$defs", {}))
            components[ERROR_OUT] = schema
        code = f"{family.title()}ErrorCode"
        components[code] = {
            "title": code,
            "description": f"Every `code` an operation of {family} can answer with.",
            "type": "string",
            "enum": list(family_codes(family)),
        }
        error = {**components[ERROR_OUT], "title": name}
        components[name] = {
            **error,
            "properties": {**error["properties"], "code": {"$ref": REF_PREFIX + code}},
        }
    return name


def declare_errors(details: dict, operation, components: dict, generator) -> dict:
    family = package_of(operation.view_func.__module__) or "core"
    error = {"content": {"application/json": {"schema": {"$ref": REF_PREFIX + ERROR_OUT}}}}
    responses = details["responses"]
    declared = {int(status) for status in responses}
    body = details.get("requestBody", {}).get("content", {})
    wanted = {400: True}
    wanted[422] = bool(details.get("parameters") or body)
    wanted[413] = bool(body)
    wanted[415] = UPLOAD in body
    wanted[429] = bool(operation.throttle_objects)
    for status, applies in wanted.items():
        if applies and status not in declared:
            responses[status] = {"description": REASONS[status], **error}
    family_ref = {"$ref": REF_PREFIX + _family_schema(components, family, generator)}
    for status, response in responses.items():
        media = response.get("content", {}).get("application/json", {})
        if int(status) >= 400 and media.get("schema", {}).get("$ref", "").startswith(REF_PREFIX + "ErrorOut"):
            media["schema"] = family_ref
    return details

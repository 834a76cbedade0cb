"""The one NinjaAPI. Every module's `api.router` is mounted here (found through INSTALLED_APPS), and
every error, wherever it comes from, leaves as {"detail": ..., "code": ...}."""

from __future__ import annotations

import importlib
import importlib.util
import logging

from django.conf import settings
from django.core.exceptions import BadRequest, ObjectDoesNotExist, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from core.auth import jwt_auth
from core.exceptions import HTTP_CODES, UNKNOWN_STATUS_CODE, ApplicationError
from core.openapi import DocumentSchema, cache_openapi_schema
from core.parsing import MarkazParser
from core.renderers import ORJSONRenderer
from core.throttling import UserThrottle

logger = logging.getLogger("markaz.api")


def _partial_times(node):
    """JSON Schema's "time" format demands an offset (RFC 3339 full-time); our local times of day
    (quiet hours, schedule start times) have none, which is RFC 3339's "partial-time"."""
    if isinstance(node, dict):
        if node.get("format") == "time":
            node["format"] = "partial-time"
        for value in node.values():
            _partial_times(value)
    elif isinstance(node, list):
        for value in node:
            _partial_times(value)
    return node


class MarkazAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return _partial_times(DocumentSchema(self, path_prefix))

    def get_openapi_operation_id(self, operation) -> str:
        # Plain function names ("list_groups") read well in generated TypeScript clients; a test
        # keeps them unique across modules.
        return operation.view_func.__name__


api = MarkazAPI(
    title="Markaz API",
    version="1.0.0",
    description="Backend of an education center. Errors: {detail, code}. Lists: {items, count}.",
    urls_namespace="api",
    docs_url="/docs",
    auth=jwt_auth,
    throttle=[UserThrottle("user")],
    parser=MarkazParser(),
    renderer=ORJSONRenderer(),
)
cache_openapi_schema(api)


def _in_language(detail):
    """A lazily translated detail (a class default, a permission's message) rendered now, in the
    request's language; a {loc, msg, type} list keeps its shape."""
    if isinstance(detail, list):
        return [
            {**item, "msg": str(item["msg"])} if isinstance(item, dict) and "msg" in item else item
            for item in detail
        ]
    return str(detail) if isinstance(detail, Promise) else detail


def error_response(request, status: int, detail, code: str | None = None, **extra):
    body = {
        "detail": _in_language(detail),
        "code": code or HTTP_CODES.get(status, UNKNOWN_STATUS_CODE),
        **extra,
    }
    return api.create_response(request, body, status=status)


@api.exception_handler(ApplicationError)
def on_application_error(request, exc: ApplicationError):
    response = error_response(request, exc.status_code, exc.detail, exc.code, **exc.extra)
    if getattr(exc, "wait", None):
        response["Retry-After"] = str(int(exc.wait + 0.999))
    return response


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc: NinjaValidationError):
    items = [
        {"loc": list(e.get("loc", [])), "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
        for e in exc.errors
    ]
    return error_response(request, 422, items, "validation_error")


@api.exception_handler(AuthenticationError)
def on_authentication_error(request, exc):
    response = error_response(request, 401, _("Authentication credentials were not provided or are invalid."))
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(AuthorizationError)
def on_authorization_error(request, exc):
    return error_response(request, 403, _("You do not have permission to perform this action."))


@api.exception_handler(Throttled)
def on_throttled(request, exc):
    return error_response(request, 429, _("Too many requests. Try again later."), "throttled")


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    return error_response(request, exc.status_code, exc.message)


@api.exception_handler(Http404)
def on_404(request, exc):
    return error_response(request, 404, _("Not found."))


@api.exception_handler(ObjectDoesNotExist)
def on_does_not_exist(request, exc):
    return error_response(request, 404, _("Not found."))


@api.exception_handler(DjangoPermissionDenied)
def on_django_permission_denied(request, exc):
    return error_response(request, 403, _("You do not have permission to perform this action."))


@api.exception_handler(DjangoValidationError)
def on_django_validation_error(request, exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        items = [
            {"loc": ["body", field], "msg": str(msg), "type": "value_error"}
            for field, errs in exc.message_dict.items()
            for msg in errs
        ]
    else:
        items = [{"loc": ["body"], "msg": str(m), "type": "value_error"} for m in exc.messages]
    return error_response(request, 422, items, "validation_error")


@api.exception_handler(RequestDataTooBig)
def on_too_big(request, exc):
    return error_response(request, 413, _("The request body is too large."))


@api.exception_handler(MultiPartParserError)
def on_bad_multipart(request, exc):
    # e.g. multipart/form-data without a boundary: Django raises on first access to request.POST
    return error_response(
        request, 400, _("The multipart body cannot be read: {reason}").format(reason=exc), "bad_multipart"
    )


@api.exception_handler(BadRequest)
@api.exception_handler(SuspiciousOperation)
def on_bad_request(request, exc):
    # Django's own refusals of a request: too many fields, a malformed header or file name...
    return error_response(request, 400, _("The request is malformed."), "bad_request")


@api.exception_handler(Exception)
def on_unexpected(request, exc: Exception):
    logger.exception("unhandled error on %s %s", request.method, request.path)
    return error_response(request, 500, _("Internal server error."), "internal_error")


def _mount_module_routers() -> None:
    for app in settings.INSTALLED_APPS:
        if not (app.startswith("modules.") or app == "realtime"):
            continue
        if importlib.util.find_spec(f"{app}.api") is None:
            continue
        module = importlib.import_module(f"{app}.api")
        router = getattr(module, "router", None)
        if router is not None:
            api.add_router("", router)


_mount_module_routers()

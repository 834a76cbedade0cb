"""Errors services raise. core/api.py turns each into {"detail": ..., "code": ...} with its status;
services never know about HTTP beyond the status each class carries. A `detail` is written in
English inside gettext: it is translated into the request's language (core/i18n.py), `code` never is."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

# The code of an error that carries none of its own, by HTTP status (core/api.py, core/middleware.py).
HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "throttled",
}
UNKNOWN_STATUS_CODE = "error"
# Codes any operation can answer with, whatever its module: the ones above and the API's own handlers'.
GENERIC_CODES = (*HTTP_CODES.values(), UNKNOWN_STATUS_CODE, "bad_multipart", "internal_error")


class ApplicationError(Exception):
    status_code = 400
    default_code = "bad_request"
    default_detail = _("Bad request.")

    def __init__(self, detail: Any = None, *, code: str | None = None, extra: dict | None = None):
        self.detail = detail if detail is not None else self.default_detail
        self.code = code or self.default_code
        self.extra = extra or {}
        super().__init__(str(self.detail))


class NotAuthenticated(ApplicationError):
    status_code = 401
    default_code = "not_authenticated"
    default_detail = _("Authentication credentials were not provided or are invalid.")


class PermissionDenied(ApplicationError):
    status_code = 403
    default_code = "permission_denied"
    default_detail = _("You do not have permission to perform this action.")


class NotFound(ApplicationError):
    status_code = 404
    default_code = "not_found"
    default_detail = _("Not found.")


class Conflict(ApplicationError):
    status_code = 409
    default_code = "conflict"
    default_detail = _("Conflict with the current state.")


class PayloadTooLarge(ApplicationError):
    status_code = 413
    default_code = "payload_too_large"
    default_detail = _("The upload is too large.")


class UnsupportedMediaType(ApplicationError):
    status_code = 415
    default_code = "unsupported_media_type"
    default_detail = _("This file type is not supported.")


class ValidationFailed(ApplicationError):
    """A business-rule validation error. `detail` may be a string or a list of {loc, msg, type}."""

    status_code = 422
    default_code = "validation_error"
    default_detail = _("Invalid input.")

    @classmethod
    def field(cls, field: str, msg: str, *, type: str = "value_error", code: str | None = None):
        return cls([{"loc": ["body", field], "msg": msg, "type": type}], code=code)


class Throttled(ApplicationError):
    status_code = 429
    default_code = "throttled"
    default_detail = _("Too many requests.")

    def __init__(self, wait: float | None = None, **kwargs: Any):
        self.wait = wait
        super().__init__(**kwargs)

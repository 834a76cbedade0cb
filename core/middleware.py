from __future__ import annotations

import re
import uuid

from django.utils.translation import gettext as _

from core.logging import request_id_var

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    """Takes X-Request-ID from the proxy when it is sane, else makes one; echoes it back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request.id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request.id
        return response


class ApiJsonErrorsMiddleware:
    """Whatever answers under /api/ with a non-JSON error (Django's 405, a CSRF or body-size
    rejection) is rewritten into the contract's {"detail", "code"} shape."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code >= 400
            and "json" not in response.get("Content-Type", "")
        ):
            from django.http import JsonResponse

            from core.exceptions import HTTP_CODES, UNKNOWN_STATUS_CODE

            status = response.status_code
            replaced = JsonResponse(
                {
                    "detail": response.reason_phrase or "Error",
                    "code": HTTP_CODES.get(status, UNKNOWN_STATUS_CODE),
                },
                status=status,
            )
            for header in ("Allow", "Retry-After", "X-Request-ID"):
                if header in response:
                    replaced[header] = response[header]
            return replaced
        return response


class RefuseNulInPathMiddleware:
    """A NUL character (%00) in an /api/ path is a 400 before routing: PostgreSQL refuses NUL in
    text, so a path parameter carrying one (a calendar feed token) would otherwise fail as a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/") and "\x00" in request.path:
            from django.http import JsonResponse

            return JsonResponse(
                {"detail": _("The URL must not contain NUL (%00) characters."), "code": "bad_request"},
                status=400,
            )
        return self.get_response(request)

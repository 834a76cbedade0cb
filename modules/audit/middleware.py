from __future__ import annotations

from modules.audit.context import SAFE_METHODS, AuditContext, audit_context


class AuditContextMiddleware:
    """Opens an audit context for every write request (POST, PUT, PATCH, DELETE) through the API or
    the admin; reads never open one, so they leave no trace in the log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in SAFE_METHODS:
            return self.get_response(request)
        with audit_context(AuditContext.from_request(request)):
            return self.get_response(request)

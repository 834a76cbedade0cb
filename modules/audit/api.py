from django.utils.translation import gettext_lazy
from ninja import Query, Router

from core.pagination import CursorPagination, paginate
from core.permissions import Predicate, check
from core.schemas import errors
from modules.audit import selectors
from modules.audit.schemas import AuditLogFilter, AuditLogOut
from modules.courses.branches import is_director

# The log names every branch's objects and people, and its entries carry no branch: the director's.
CAN_READ_AUDIT_LOG = Predicate(
    lambda user, obj=None: is_director(user),
    gettext_lazy("The audit log is for the director (an admin without branches)."),
)

router = Router(tags=["audit"])


@router.get(
    "/audit-logs",
    response={200: list[AuditLogOut], **errors(401, 403, 422, 429)},
    summary="The audit log, newest first (append-only)",
)
@paginate(CursorPagination)
def list_audit_logs(request, filters: Query[AuditLogFilter]):
    check(CAN_READ_AUDIT_LOG, request.auth)
    return selectors.audit_log_list(**filters.dict())


@router.get(
    "/audit-logs/{entry_id}",
    response={200: AuditLogOut, **errors(401, 403, 404, 429)},
    summary="One audit log entry",
)
def get_audit_log(request, entry_id: int):
    check(CAN_READ_AUDIT_LOG, request.auth)
    return selectors.audit_log_get(entry_id)

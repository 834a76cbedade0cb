from ninja import Query, Router

from core.pagination import paginate
from core.permissions import IsAdmin, check
from core.schemas import errors
from modules.audit import selectors, services
from modules.audit.schemas import AuditLogFilter, AuditLogOut, SystemSettingsOut, SystemSettingsUpdateIn

CAN_MANAGE_SETTINGS = IsAdmin
CAN_READ_AUDIT_LOG = IsAdmin

router = Router()
settings_router = Router(tags=["settings"])
audit_router = Router(tags=["audit"])


@settings_router.get(
    "/settings", response={200: SystemSettingsOut, **errors(401, 403, 429)}, summary="The system settings"
)
def read_system_settings(request):
    check(CAN_MANAGE_SETTINGS, request.auth)
    return selectors.get_system_settings()


@settings_router.patch(
    "/settings",
    response={200: SystemSettingsOut, **errors(401, 403, 422, 429)},
    summary="Change system settings (partial; coin rules merged key by key)",
)
def update_system_settings(request, payload: SystemSettingsUpdateIn):
    check(CAN_MANAGE_SETTINGS, request.auth)
    return services.system_settings_update(**payload.changes())


@audit_router.get(
    "/audit-logs",
    response={200: list[AuditLogOut], **errors(401, 403, 422, 429)},
    summary="The audit log, newest first (append-only)",
)
@paginate
def list_audit_logs(request, filters: Query[AuditLogFilter]):
    check(CAN_READ_AUDIT_LOG, request.auth)
    return selectors.audit_log_list(**filters.dict())


@audit_router.get(
    "/audit-logs/{entry_id}",
    response={200: AuditLogOut, **errors(401, 403, 404, 429)},
    summary="One audit log entry",
)
def get_audit_log(request, entry_id: int):
    check(CAN_READ_AUDIT_LOG, request.auth)
    return selectors.audit_log_get(entry_id)


router.add_router("", settings_router)
router.add_router("", audit_router)

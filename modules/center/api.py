from ninja import Router

from core.permissions import IsAdmin, check
from core.schemas import errors
from modules.center import selectors, services
from modules.center.schemas import SystemSettingsOut, SystemSettingsUpdateIn

CAN_MANAGE_SETTINGS = IsAdmin

router = Router(tags=["settings"])


@router.get(
    "/settings", response={200: SystemSettingsOut, **errors(401, 403, 429)}, summary="The system settings"
)
def read_system_settings(request):
    check(CAN_MANAGE_SETTINGS, request.auth)
    return selectors.get_system_settings()


@router.patch(
    "/settings",
    response={200: SystemSettingsOut, **errors(401, 403, 422, 429)},
    summary="Change system settings (partial; coin rules merged key by key)",
)
def update_system_settings(request, payload: SystemSettingsUpdateIn):
    check(CAN_MANAGE_SETTINGS, request.auth)
    return services.system_settings_update(**payload.changes())

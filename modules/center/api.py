from ninja import Router

from core.permissions import IsAdmin, check
from core.schemas import errors
from modules.center import selectors, services
from modules.center.schemas import CenterOut, SystemSettingsOut, SystemSettingsUpdateIn

CAN_MANAGE_SETTINGS = IsAdmin

router = Router(tags=["settings"])


@router.get(
    "/center",
    response={200: CenterOut, **errors(401, 429)},
    tags=["center"],
    summary="The center's name, time zone, currency and languages (every signed-in user)",
    description=(
        "Times in every response are UTC (ISO 8601 with offset); date filters (`date_from`, `date_to`, "
        "`period`, `due_from`, `due_to` on dates) and schedules are local days in `time_zone`."
    ),
)
def get_center(request):
    return selectors.center_profile()


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

from django.conf import settings
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.responses import Status

from core.exceptions import NotAuthenticated, ValidationFailed
from core.idempotency import idempotent
from core.pagination import CursorPagination, paginate
from core.parsing import load_json
from core.permissions import IsAdmin, IsAuthenticated, IsStaff, check
from core.schemas import errors
from modules.notifications import selectors, services, sms_callback
from modules.notifications.schemas import (
    BroadcastAcceptedOut,
    BroadcastCreateIn,
    LogFilter,
    MarkedReadOut,
    NotificationFilter,
    NotificationLogOut,
    NotificationOut,
    PreferencesOut,
    PreferencesUpdateIn,
    SmsCallbackOut,
    TelegramLinkOut,
    TelegramStatusOut,
    TelegramWebhookOut,
    UnreadCountOut,
)

CAN_READ_OWN = IsAuthenticated()
CAN_BROADCAST = IsStaff  # teachers only to groups they teach: decided by the service
CAN_SEE_LOGS = IsAdmin

router = Router(tags=["notifications"])


@router.get(
    "/notifications",
    response={200: list[NotificationOut], **errors(401, 422, 429)},
    summary="List own notifications",
)
@paginate(CursorPagination)
def list_notifications(request, filters: Query[NotificationFilter]):
    return selectors.notification_list(user=request.auth, unread=filters.unread, kind=filters.kind)


@router.get(
    "/notifications/unread-count",
    response={200: UnreadCountOut, **errors(401, 429)},
    summary="Count unread notifications",
)
def count_unread_notifications(request):
    return {"unread": selectors.unread_count(user=request.auth)}


@router.post(
    "/notifications/read-all",
    response={200: MarkedReadOut, **errors(401, 429)},
    summary="Mark all own notifications read",
)
def mark_all_notifications_read(request):
    check(CAN_READ_OWN, request.auth)
    return {"updated": services.notifications_mark_all_read(user=request.auth)}


@router.post(
    "/notifications/{notification_id}/read",
    response={200: NotificationOut, **errors(401, 404, 422, 429)},
    summary="Mark a notification read",
)
def mark_notification_read(request, notification_id: int):
    notification = selectors.notification_get(user=request.auth, notification_id=notification_id)
    check(CAN_READ_OWN, request.auth, notification)
    return services.notification_mark_read(notification=notification)


@router.get(
    "/notifications/preferences",
    response={200: PreferencesOut, **errors(401, 429)},
    summary="Own notification preferences (per kind and channel)",
)
def list_notification_preferences(request):
    return _matrix(request.auth)


@router.put(
    "/notifications/preferences",
    response={200: PreferencesOut, **errors(401, 422, 429)},
    summary="Turn channels on or off per kind",
)
def update_notification_preferences(request, payload: PreferencesUpdateIn):
    check(CAN_READ_OWN, request.auth)
    services.preferences_update(user=request.auth, items=[p.dict() for p in payload.preferences])
    return _matrix(request.auth)


def _matrix(user) -> dict:
    # the whole matrix, never a page of it: it is one settings screen, bounded by the kinds
    rows = selectors.preference_matrix(user=user)
    return {"items": rows, "count": len(rows)}


@router.get(
    "/notifications/telegram",
    response={200: TelegramStatusOut, **errors(401, 429)},
    summary="Own Telegram link status",
)
def get_telegram_link(request):
    return selectors.telegram_status(user=request.auth)


@router.post(
    "/notifications/telegram/link",
    response={200: TelegramLinkOut, **errors(401, 409, 429)},
    summary="A one-time deep link that connects Telegram",
)
def create_telegram_link(request):
    check(CAN_READ_OWN, request.auth)
    url, expires_in = services.telegram_link_create(user=request.auth)
    return {"url": url, "expires_in": expires_in}


@router.delete(
    "/notifications/telegram/link",
    response={204: None, **errors(401, 404, 429)},
    summary="Disconnect Telegram",
)
def delete_telegram_link(request):
    check(CAN_READ_OWN, request.auth)
    services.telegram_unlink(user=request.auth)
    return Status(204, None)


@router.post(
    "/notifications/telegram/webhook",
    auth=None,
    throttle=[],
    response={200: TelegramWebhookOut, **errors(401, 422)},
    exclude_none=True,  # nothing to reply: an empty object, which Telegram takes as "no method"
    summary="Telegram bot webhook (secret header required)",
)
def telegram_webhook(request):
    secret = settings.TELEGRAM_WEBHOOK_SECRET
    given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
    if not secret or not constant_time_compare(given, secret):
        raise NotAuthenticated(_("Wrong or missing webhook secret."), code="bad_webhook_secret")
    try:
        update = load_json(request.body or b"{}")
    except ValueError as exc:
        raise ValidationFailed(_("The body is not JSON."), code="invalid_json") from exc
    if not isinstance(update, dict):
        raise ValidationFailed(_("An update must be a JSON object."), code="invalid_update")
    return services.telegram_webhook_handle(update=update)


@router.post(
    "/notifications/sms/callback",
    auth=None,
    throttle=[],
    response={200: SmsCallbackOut, **errors(401, 404, 422)},
    summary="Eskiz delivery report",
)
def eskiz_delivery_callback(request, token: str = ""):
    if not sms_callback.token_valid(token):
        raise NotAuthenticated(_("Wrong callback token."), code="bad_callback_token")
    report = _form_or_json(request)
    log = services.sms_delivery_report(
        request_id=str(report.get("request_id") or ""),
        status=str(report.get("status") or ""),
        status_date=str(report.get("status_date") or ""),
    )
    return {"status": log.status}


def _form_or_json(request) -> dict:
    if request.content_type == "application/json":
        try:
            body = load_json(request.body or b"{}")
        except ValueError as exc:
            raise ValidationFailed(_("The body is not JSON."), code="invalid_json") from exc
        report = body if isinstance(body, dict) else {}
    else:
        report = request.POST.dict()
    if any("\x00" in str(value) for value in report.values()):
        raise ValidationFailed(_("The report must not contain NUL characters."), code="invalid_report")
    return report


@router.post(
    "/notifications/broadcast",
    response={202: BroadcastAcceptedOut, **errors(401, 403, 404, 422, 429)},
    summary="Send an announcement (admins: anyone; teachers: their groups)",
)
@idempotent
def create_broadcast(request, payload: BroadcastCreateIn):
    check(CAN_BROADCAST, request.auth)
    broadcast = services.broadcast_create(sender=request.auth, **payload.dict())
    return Status(202, {"id": broadcast.pk, "recipients": broadcast.recipients})


@router.get(
    "/notifications/logs",
    response={200: list[NotificationLogOut], **errors(401, 403, 422, 429)},
    summary="Delivery log (admins)",
)
@paginate
def list_notification_logs(request, filters: Query[LogFilter]):
    check(CAN_SEE_LOGS, request.auth)
    return selectors.log_list(
        request.auth, user_id=filters.user, channel=filters.channel, status=filters.status, kind=filters.kind
    )

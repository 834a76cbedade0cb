"""ASGI entry point (daphne): HTTP goes to Django; `/ws/` to the real-time consumer behind the origin
check and ticket / Bearer authentication (see realtime/)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")
# Django must be set up before anything imports models (the consumer, the auth middleware).
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from core.bodylimit import BodySizeLimit  # noqa: E402
from core.gc_pause import freeze_startup_heap  # noqa: E402
from realtime.middleware import TicketAuthMiddleware, allowed_origin_validator  # noqa: E402
from realtime.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": BodySizeLimit(django_asgi_app),  # refuses oversized bodies before Django reads them
        "websocket": allowed_origin_validator(TicketAuthMiddleware(URLRouter(websocket_urlpatterns))),
    }
)

# daphne imports this module once per process: what it built lives as long as the process, so full
# collections need not walk it (core/gc_pause.py)
freeze_startup_heap()

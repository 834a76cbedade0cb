"""WebSocket URL routes, mounted by core/asgi.py."""

from django.urls import re_path

from realtime.consumers import RealtimeConsumer

websocket_urlpatterns = [re_path(r"^ws/?$", RealtimeConsumer.as_asgi())]

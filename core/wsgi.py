"""WSGI entry point: HTTP on gunicorn's worker processes (core/gunicorn_conf.py). WebSocket (`/ws/`)
stays on daphne (core/asgi.py); the proxy in front routes it (docs/deployment-processes.md)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")
application = get_wsgi_application()

"""gunicorn settings for HTTP (`gunicorn -c python:core.gunicorn_conf core.wsgi:application`).

One worker process per core (WEB_CONCURRENCY, default the CPU count), each with WEB_THREADS threads
and a Postgres pool of DB_POOL_MAX = WEB_THREADS connections, so a thread never waits for the pool.
The master checks the connection budget (core/checks.py) before it forks anything."""

import os

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY") or os.cpu_count() or 2)
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "8"))
# the proxy in front terminates TLS and sets X-Forwarded-*; Django reads them (SECURE_PROXY_SSL_HEADER)
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# No keep-alive by default: the proxy keeps the clients' connections alive, and to gunicorn a
# connection per request keeps the threads' queue fair. With keep-alive a connection stays with one
# worker and its requests wait on that worker's poller: at 20 closed-loop clients the gateways' p99
# was 2.2-2.4 s with keepalive = 5 and 0.5 s without (docs/deployment-processes.md).
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "0"))
timeout = 60
graceful_timeout = 20
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None  # request logs come from Django's logging
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")

# What the settings see: the budget check and the pool size follow the numbers above.
os.environ.setdefault("WEB_CONCURRENCY", str(workers))
os.environ.setdefault("WEB_THREADS", str(threads))
os.environ.setdefault("DB_POOL", "true")


def on_starting(server):
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")
    django.setup()
    from core.checks import refuse_unfit_layout

    refuse_unfit_layout()


def post_worker_init(worker):
    # each worker loads the app itself (no preload), then freezes that heap (core/gc_pause.py)
    from core.gc_pause import freeze_startup_heap

    worker.log.info("froze %d startup objects", freeze_startup_heap())

"""The OpenAPI document is built once per process. Building it walks every operation and its pydantic
models (3.5–10 s for this API on the loaded machine), and the routes cannot change while the process
runs, so the first build is kept, per path prefix, and served from memory afterwards."""

from __future__ import annotations

import threading
from functools import wraps


def cache_openapi_schema(api) -> None:
    """Wraps `api.get_openapi_schema` so that each (path_prefix, path_params) is built once."""
    build = api.get_openapi_schema
    built: dict[tuple, dict] = {}
    lock = threading.Lock()

    @wraps(build)
    def get_openapi_schema(*, path_prefix=None, path_params=None):
        key = (path_prefix, tuple(sorted((path_params or {}).items())))
        if key not in built:
            with lock:  # concurrent first requests wait for one build instead of running several
                if key not in built:
                    built[key] = build(path_prefix=path_prefix, path_params=path_params)
        return built[key]

    api.get_openapi_schema = get_openapi_schema

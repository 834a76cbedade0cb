"""Per-process serving resources: one Redis pool for every cache object, the OpenAPI document built
once, and a connection budget that refuses a layout the database cannot hold."""

from __future__ import annotations

import threading
from unittest import mock

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import override_settings
from ninja import NinjaAPI

from core.checks import budget_errors, check_connection_budget, connection_budget, refuse_unfit_layout
from core.openapi import cache_openapi_schema
from core.redis_pool import SharedPoolRedisCache

needs_redis = pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL")
needs_postgres = pytest.mark.skipif(not settings.IS_POSTGRES, reason="needs Postgres")


@needs_redis
def test_every_cache_object_of_the_process_uses_one_pool_and_one_connection():
    # Django builds a cache object per thread (per request context under ASGI); each used to open
    # its own pool, so every request paid a new TCP connection to Redis.
    fresh = [caches.create_connection("default") for _ in range(50)]
    assert all(isinstance(c, SharedPoolRedisCache) for c in fresh)
    pool = fresh[0]._cache._get_connection_pool(write=True)
    opened_before = len(pool._connections)  # earlier tests of this process may have opened some
    for n, cache in enumerate(fresh):
        cache.set(f"serving:probe:{n}", n, 10)
        assert cache.get(f"serving:probe:{n}") == n
    pools = {id(c._cache._get_connection_pool(write=True)) for c in fresh}
    assert len(pools) == 1
    # used one after another: an idle connection is reused, none is opened per cache object
    assert len(pool._connections) == max(opened_before, 1)


@needs_redis
def test_concurrent_threads_share_the_pool_within_its_bound():
    errors = []

    def work(n):
        try:
            cache = caches.create_connection("default")
            for i in range(20):
                cache.set(f"serving:thread:{n}:{i}", i, 10)
        except Exception as exc:  # collected: an exception in a thread would not fail the test
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    pool = caches.create_connection("default")._cache._get_connection_pool(write=True)
    assert 1 <= len(pool._connections) <= min(16, pool.max_connections)


def _tiny_api():
    api = NinjaAPI(urls_namespace="tiny-openapi-test")

    @api.get("/ping")
    def ping(request):
        return {"ok": True}

    return api


def test_the_openapi_document_is_built_once_per_prefix():
    api = _tiny_api()
    with mock.patch.object(NinjaAPI, "get_openapi_schema", autospec=True, return_value={"openapi": "x"}) as b:
        cache_openapi_schema(api)
        first = api.get_openapi_schema(path_prefix="/api/v1/")
        assert api.get_openapi_schema(path_prefix="/api/v1/") is first
        api.get_openapi_schema(path_prefix="/other/")
    assert b.call_count == 2


def test_the_served_openapi_document_is_the_same_object_each_time(api):
    from core.api import api as markaz_api

    assert api().get("/api/v1/openapi.json").status_code == 200
    assert markaz_api.get_openapi_schema(path_params={}) is markaz_api.get_openapi_schema(path_params={})
    assert api().get("/api/v1/openapi.json").json()["info"]["title"] == "Markaz API"


@override_settings(WEB_CONCURRENCY=2, WS_PROCESSES=1, DB_POOL_MAX=8, IS_POSTGRES=True)
def test_the_budget_adds_every_process_at_its_peak():
    budget = connection_budget()
    workers = settings.Q_CLUSTER["workers"]
    assert (budget.web, budget.ws, budget.worker) == (16, 8, workers + 3)
    assert budget.total == 16 + 8 + workers + 3 + 5
    assert budget_errors(limit=budget.total) == []
    [error] = budget_errors(limit=budget.total - 1)
    assert error.id == "markaz.E001" and "web 2×8 = 16" in error.msg


@override_settings(WEB_CONCURRENCY=8, DB_POOL_MAX=16, DB_MAX_CONNECTIONS=97, IS_POSTGRES=True)
def test_a_layout_that_cannot_fit_is_refused_before_it_starts():
    with pytest.raises(SystemExit, match="needs up to 1.. Postgres connections but the server allows 97"):
        refuse_unfit_layout()


@override_settings(IS_POSTGRES=False, WEB_CONCURRENCY=100)
def test_sqlite_has_no_connection_budget():
    assert budget_errors() == []


@needs_postgres
@pytest.mark.django_db
def test_the_database_check_reads_the_servers_limit():
    from core.checks import server_connection_limit

    limit = server_connection_limit()
    assert limit > 0
    assert server_connection_limit(fresh=True) == limit
    assert check_connection_budget(databases=["default"]) == []
    with override_settings(WEB_CONCURRENCY=limit, DB_MAX_CONNECTIONS=0):
        [error] = check_connection_budget(databases=["default"])
    assert f"the server allows {limit}" in error.msg
    assert check_connection_budget(databases=None) == []

from django.contrib.auth import get_user_model
from django.core.management import call_command

from core.api import api as ninja_api


def test_unknown_api_path_is_json_404(api, db):
    r = api().get("/api/v1/does-not-exist")
    assert r.status_code == 404
    assert r.json() == {"detail": "Not found.", "code": "not_found"}


def test_wrong_method_is_json(api, db):
    r = api().request("delete", "/auth/login")
    assert r.status_code == 405
    assert r.json()["code"] == "method_not_allowed"


def test_malformed_json_is_a_clear_400(api, db):
    r = api().client.post("/api/v1/auth/login", data="{not json", content_type="application/json")
    assert r.status_code == 400
    assert r.json()["code"] == "bad_request"


def test_request_id_is_echoed(api, db):
    r = api().get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert r["X-Request-ID"] == "abc-123"
    assert len(api().get("/healthz")["X-Request-ID"]) == 32


def test_healthz_and_readyz(api, db):
    assert api().get("/healthz").json() == {"status": "ok"}
    body = api().get("/readyz").json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "channel_layer", "queue", "migrations", "storage"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["providers"]["payme"] == "disabled"


def test_openapi_every_operation_has_an_id_tag_and_summary(db):
    schema = ninja_api.get_openapi_schema()
    ids = []
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            assert op.get("operationId"), (method, path)
            assert op.get("tags"), (method, path)
            assert op.get("summary"), (method, path)
            ids.append(op["operationId"])
    assert len(ids) == len(set(ids)), "operationIds must be unique"


def test_docs_page_renders_offline(api, db):
    r = api().get("/api/v1/docs")
    assert r.status_code == 200
    assert b"/static/ninja/swagger-ui-bundle.js" in r.content  # bundled, not a CDN
    assert api().get("/static/ninja/swagger-ui-bundle.js").status_code == 200


def test_system_checks_pass(db):
    call_command("check")


def test_admin_login_page_and_login_by_email(client, db):
    User = get_user_model()
    User.objects.create_superuser("+998901230000", "admin-secret-123", first_name="A", email="a@ex.uz")
    assert client.get("/admin/login/").status_code == 200
    assert client.login(username="a@ex.uz", password="admin-secret-123")
    assert client.get("/admin/").status_code == 200


def test_seed_demo_is_idempotent(db):
    call_command("seed_demo")
    call_command("seed_demo")
    User = get_user_model()
    assert User.objects.filter(email__endswith="@demo.markaz.uz").count() == 4
    parent = User.objects.get(email="parent@demo.markaz.uz")
    assert list(parent.children.values_list("email", flat=True)) == ["student@demo.markaz.uz"]

"""Every route but sign-in and static files refuses anonymous users; every POST needs the CSRF token."""

from __future__ import annotations

import pytest
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from tests.videre.web.conftest import csrf_of
from tests.videre.web.seed import PASSWORD, World
from videre.core.config import Settings
from videre.store.db import Database
from videre.web.app import create_app

PUBLIC = {"/login"}


def _routes(settings: Settings, db: Database) -> list[tuple[str, str]]:
    app = create_app(settings, db)
    out = []
    for r in app.routes:
        if isinstance(r, Mount):
            continue
        assert isinstance(r, Route)
        for method in sorted((r.methods or set()) - {"HEAD"}):
            out.append((method, r.path))
    return out


def _concrete(path: str, world: World) -> str:
    return (path.replace("{item_id:int}", str(world.items["organised"]))
            .replace("{ad_id:int}", str(world.ads["organised"][0]))
            .replace("{photo_id:int}", str(world.photos["shared"]))
            .replace("{user_id:int}", str(world.users["anna.analyst"]))
            .replace("{kind}", "phone").replace("{key:int}", "1")
            .replace("{watch_id:int}", "1").replace("{alert_id:int}", "1").replace("{fmt}", "csv")
            .replace("{name:str}", "graph.graphml"))


def test_the_route_table_is_what_these_tests_cover(web_settings: Settings, web_db: Database) -> None:
    routes = _routes(web_settings, web_db)
    # Adding a route without thinking about access should fail here first.
    assert len(routes) == 31, routes
    assert sum(1 for m, _ in routes if m == "POST") == 12


def test_every_route_refuses_an_anonymous_user(app_client: TestClient, web_settings: Settings,
                                               web_db: Database, world: World) -> None:
    for method, path in _routes(web_settings, web_db):
        if path in PUBLIC:
            continue
        url = _concrete(path, world)
        if method == "GET":
            r = app_client.get(url)
            assert r.status_code == 303, (method, url, r.status_code)
            assert r.headers["location"].startswith("/login?next="), url
        else:
            r = app_client.post(url, data={"csrf_token": "guess", "status": "closed"})
            assert r.status_code == 403, (method, url, r.status_code)
        assert "Anna" not in r.text and "070-174" not in r.text


def test_sign_in_page_and_static_files_are_open(app_client: TestClient) -> None:
    assert app_client.get("/login").status_code == 200
    css = app_client.get("/static/videre.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")


def test_every_post_without_the_csrf_token_is_refused(lead: tuple[TestClient, str], web_settings: Settings,
                                                     web_db: Database, world: World) -> None:
    client, token = lead
    posts = [p for m, p in _routes(web_settings, web_db) if m == "POST"]
    for path in posts:
        url = _concrete(path, world)
        form = {"status": "closed", "note": "should not be saved", "kind": "phone", "value": "0701740605",
                "language": "en", "username": "mallory", "password": "x" * 20, "role": "admin",
                "action": "disable", "w_phone_obfuscated": "9"}
        for bad in ({}, {"csrf_token": ""}, {"csrf_token": token + "x"}, {"csrf_token": "åäö"}):
            r = client.post(url, data={**form, **bad})
            assert r.status_code == 403, (url, bad, r.status_code)
    # Nothing above changed anything: the item is untouched and no one called mallory exists.
    page = client.get(f"/items/{world.items['organised']}")
    assert "should not be saved" not in page.text
    assert client.get("/admin/users").status_code == 403  # a lead is not an admin


def test_sign_in_form_needs_its_own_token(app_client: TestClient) -> None:
    r = app_client.post("/login", data={"username": "anna.analyst", "password": PASSWORD})
    assert r.status_code == 403
    page = app_client.get("/login")
    # A token signed for another browser's nonce does not pass either.
    app_client.cookies.clear()  # the client keeps the server's cookie beside one set here
    app_client.cookies.set("videre_login", "someone-elses-nonce")
    r = app_client.post("/login", data={"username": "anna.analyst", "password": PASSWORD,
                                        "csrf_token": csrf_of(page.text)})
    assert r.status_code == 403


def test_forms_must_be_small_and_url_encoded(lead: tuple[TestClient, str], world: World) -> None:
    client, token = lead
    url = f"/items/{world.items['organised']}/review"
    r = client.post(url, files={"note": ("a.txt", b"x")}, data={"csrf_token": token})
    assert r.status_code == 415
    r = client.post(url, data={"csrf_token": token, "note": "x" * 70_000})
    assert r.status_code == 413


def test_security_headers_on_pages_errors_and_redirects(analyst: tuple[TestClient, str], app_client: TestClient) -> None:
    client, _ = analyst
    for r in (client.get("/"), client.get("/items/999999"), app_client.get("/nope")):
        csp = r.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["cache-control"] == "no-store"
    assert client.get("/items/999999").status_code == 404


def test_a_role_without_the_right_gets_403_not_the_page(analyst: tuple[TestClient, str], world: World) -> None:
    client, _ = analyst
    for url in ("/admin/users", "/admin/audit", "/admin/retention", "/weights", "/watchlists", "/runs",
                f"/items/{world.items['organised']}/export.csv", f"/items/{world.items['organised']}/print"):
        r = client.get(url)
        assert r.status_code == 403, url


@pytest.mark.parametrize("target", ["//evil.test/x", "https://evil.test/", "/\\evil.test", "javascript:alert(1)"])
def test_sign_in_never_redirects_off_site(app_client: TestClient, target: str) -> None:
    page = app_client.get("/login", params={"next": target})
    r = app_client.post("/login", data={"username": "anna.analyst", "password": PASSWORD,
                                        "csrf_token": csrf_of(page.text), "next": target})
    assert r.status_code == 303 and r.headers["location"] == "/"


def test_absurd_ids_and_values_are_refused_cleanly(analyst: tuple[TestClient, str]) -> None:
    client, _ = analyst
    assert client.get("/items/99999999999999999999").status_code == 404
    assert client.get("/?assignee=99999999999999999999").status_code == 400
    assert client.get("/?page=abc").status_code == 400

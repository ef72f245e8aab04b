"""Fuzzing every route's parameters (query, form, path) on SQLite and PostgreSQL with Hypothesis.

Any text at all, including NUL, lone surrogates and bytes that are not UTF-8: bad text gets a 400
before a handler runs, everything else never gets a 5xx.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.routing import Route
from starlette.testclient import TestClient

from tests.conftest import make_settings
from tests.videre.web.conftest import sign_in
from tests.videre.web.seed import World, seed
from videre.store.db import Database
from videre.web.app import create_app

# The names handlers read (grep of videre/web), plus a few they do not.
FIELDS = ["q", "city", "site", "reason", "status", "assignee", "from", "to", "page", "seen", "lang", "next",
          "done", "error", "user", "action", "username", "password", "note", "label", "kind", "value", "back",
          "current", "new", "language", "role", "override", "fmt", "w_shared_phone", "x"]
SAMPLES = ["", "1", "0", "-1", "99999999999999999999", "me", "none", "all", "2024-05-01", "2024-13-45",
           "escalated", "open", "phone", "photo", "template", "admin", "sv", "en", "/", "//evil", "Malmö",
           "shared_phone", "disable", "role", "password", "+46701740605", "<script>", "' OR 1=1 --"]
ANY_TEXT = st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=()), max_size=30)
VALUES = st.one_of(st.sampled_from(SAMPLES), ANY_TEXT, st.binary(max_size=12))
BAD = re.compile("[\x00\ud800-\udfff]")
PAGE_ROUTES = {"/logout"}  # signing out is not a parameter problem


def _encode(value: str | bytes) -> tuple[str, bool]:
    """Percent-encoded form of the value, and whether it is bad text."""
    if isinstance(value, bytes):
        try:
            bad = bool(BAD.search(value.decode("utf-8")))
        except UnicodeDecodeError:
            bad = True
        return quote(value, safe=""), bad
    return quote(value.encode("utf-8", "surrogatepass"), safe=""), bool(BAD.search(value))


@st.composite
def requests(draw: st.DrawFn, routes: list[Route], world: World) -> tuple[str, str, str, bool]:
    route = draw(st.sampled_from(routes))
    path = route.path
    bad = False
    for name, convertor in route.param_convertors.items():
        if type(convertor).__name__ == "IntegerConvertor":
            known = [*world.items.values(), *[a for ads in world.ads.values() for a in ads],
                     *world.photos.values(), *world.users.values()]
            raw = str(draw(st.one_of(st.sampled_from(known), st.integers(0, 2**40))))
        else:
            encoded, b = _encode(draw(VALUES))
            raw, bad = encoded or "x", bad or b
        path = re.sub(r"\{" + name + r"(:[a-z]+)?\}", raw, path)
    pairs = []
    for _ in range(draw(st.integers(0, 4))):
        name, b1 = _encode(draw(st.one_of(st.sampled_from(FIELDS), ANY_TEXT)))
        value, b2 = _encode(draw(VALUES))
        pairs.append(f"{name}={value}")
        bad = bad or b1 or b2
    method = "POST" if "POST" in (route.methods or ()) else "GET"
    return method, path, "&".join(pairs), bad


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def fuzz_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[TestClient, Database, World]]:
    url = request.getfixturevalue("pg_url") if request.param == "postgresql" else f"sqlite:///{tmp_path / 'v.db'}"
    # A generous throttle: wrong current passwords on the account page must not lock the fuzzer out.
    cfg = make_settings(tmp_path, database={"url": url}, web={"login_max_failures": 10_000})
    db = Database.from_settings(cfg)
    world = seed(db, fillers=0)
    with TestClient(create_app(cfg, db), base_url="http://127.0.0.1", follow_redirects=False) as client:
        yield client, db, world
    db.dispose()


def test_every_route_refuses_bad_text_and_never_fails(fuzz_app: tuple[TestClient, Database, World]) -> None:
    client, _, world = fuzz_app
    routes = [r for r in client.app.routes if isinstance(r, Route) and r.path not in PAGE_ROUTES]  # type: ignore[attr-defined]
    state = {"token": sign_in(client, "adam.admin")}

    @settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(requests(routes, world))
    def check(req: tuple[str, str, str, bool]) -> None:
        method, path, query, bad = req
        if client.get("/account").status_code != 200:  # a fuzzed form changed the admin's password or role
            state["token"] = sign_in(client, "adam.admin")
        if method == "GET":
            r = client.get(path + (f"?{query}" if query else ""))
        else:
            body = "&".join(p for p in (f"csrf_token={state['token']}", query) if p)
            r = client.post(path, content=body.encode("ascii"),
                            headers={"content-type": "application/x-www-form-urlencoded"})
        assert r.status_code < 500, (method, path, query, r.text[:300])
        if bad:
            assert r.status_code == 400, (method, path, query, r.status_code)

    check()


BAD_URLS = ["/?city=%00", "/?q=a%00b", "/?q=%ED%A0%80", "/?q=%FF", "/items/1%00", "/ads/%F0%28%8C%28",
            "/login?next=%00", "/static/%00videre.css", "/admin/audit/export.%00", "/?%00=1"]
BAD_FIELDS = ["note=%00", "label=x%00y", "username=%00", "note=%ED%B0%80", "note=%C3%28", "%00=x"]


def test_known_bad_urls_and_fields_get_400(fuzz_app: tuple[TestClient, Database, World]) -> None:
    client, _, world = fuzz_app
    token = sign_in(client, "adam.admin")
    for url in BAD_URLS:
        assert client.get(url).status_code == 400, url
    for target in (f"/items/{world.items['organised']}/review", "/watchlists", "/account", "/admin/users"):
        for field in BAD_FIELDS:
            r = client.post(target, content=f"csrf_token={token}&{field}".encode(),
                            headers={"content-type": "application/x-www-form-urlencoded"})
            assert r.status_code == 400, (target, field)
    client.cookies.clear()
    page = client.get("/login")
    nonce = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    r = client.post("/login", content=f"csrf_token={nonce}&username=adam%00&password=x".encode(),
                    headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 400

"""Hostile ad content is escaped on every page that can show it (the browser test checks it never runs)."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from tests.videre.web.conftest import sign_in
from tests.videre.web.seed import XSS, World

RAW = [p for p in XSS if "<" in p]
TAG = re.compile(r"<(script|iframe|style|svg onload|img src=x|math|link rel=stylesheet)", re.I)


def _pages(world: World) -> list[str]:
    item = world.items["hostile"]
    return ["/", f"/?q={XSS[0]}", f"/?city={XSS[1]}", f"/?reason={XSS[0]}", f"/items/{item}",
            f"/items/{item}/print", f"/ads/{world.ads['hostile'][0]}", "/alerts", "/admin/audit", "/outreach",
            f"/items/{item}/nope{XSS[0]}"]


def test_no_payload_reaches_a_page_unescaped(app_client: TestClient, world: World) -> None:
    client = app_client
    token = sign_in(client, "adam.admin")
    item = world.items["hostile"]
    client.post(f"/items/{item}/review", data={"csrf_token": token, "note": XSS_NOTE, "status": "outreach"})
    for url in _pages(world):
        html = client.get(url).text
        for payload in RAW:
            assert payload not in html, (url, payload)
        # Our own pages hold exactly one script element: the static file.
        assert html.count("<script") == 1 and TAG.search(html.replace("<script src=\"/static/videre.js\"", "")) \
            is None, url


def test_the_payloads_are_shown_as_text(analyst: tuple[TestClient, str], world: World) -> None:
    client, _ = analyst
    html = client.get(f"/items/{world.items['hostile']}").text
    assert "&lt;script&gt;alert(&#39;x1&#39;)&lt;/script&gt;" in html
    assert "{{ 7*7 }} ${7*7} {% raw %}" in html  # template syntax in an ad is never evaluated


XSS_NOTE = " ".join(XSS[:3])

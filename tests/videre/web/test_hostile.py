"""Hostile ad content is escaped on every page that can show it (the browser test checks it never runs)."""

from __future__ import annotations

import json
import re

from starlette.testclient import TestClient

from tests.videre.web.conftest import sign_in
from tests.videre.web.seed import BIDI_BODY, BIDI_NUMBER, XSS, World
from videre.web.bidi import CONTROLS

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
RLO = '<span class="bidi" dir="ltr" title="U+202E RIGHT-TO-LEFT OVERRIDE">⟨RLO⟩</span>'
PDF = '<span class="bidi" dir="ltr" title="U+202C POP DIRECTIONAL FORMATTING">⟨PDF⟩</span>'


def test_direction_controls_are_shown_as_markers_on_every_page(app_client: TestClient, world: World) -> None:
    sign_in(app_client, "lars.lead")
    item, ad = world.items["hostile"], world.ads["hostile"][4]
    for url in [*_pages(world), f"/ads/{ad}"]:
        html = app_client.get(url).text
        assert not set(html) & set(CONTROLS), url
    page = app_client.get(f"/items/{item}").text
    # The Arabic ad: its body isolated, the number marked in place, left to right.
    assert (f'{RLO}<mark class="ev-phone" dir="ltr" title="">{BIDI_NUMBER}</mark>{PDF} الآن</p>') in page
    assert '<p class="body ad-body" dir="auto">مرحبا، أنا ليلى.' in page
    assert f'<h3 class="ad-title" dir="auto">{RLO}ليلى في أوبسالا</h3>' in page
    assert "⟨RLI⟩</span>Uppsala<span" in page and "⟨RLM⟩</span>ليلى" in page
    assert f"{RLO}gnp.exe &lt;b onmouseover" in page  # the XSS corpus's override, a marker too
    for url in (f"/ads/{ad}", f"/items/{item}/print"):
        assert f"{RLO}{BIDI_NUMBER}{PDF}" in app_client.get(url).text, url


def test_exports_keep_the_stored_text(app_client: TestClient, world: World) -> None:
    sign_in(app_client, "lars.lead")
    item = world.items["hostile"]
    data = json.loads(app_client.get(f"/items/{item}/export.json").text)
    assert BIDI_BODY in [a["body"] for a in data["ads"]]
    assert BIDI_BODY in app_client.get(f"/items/{item}/export.csv").text

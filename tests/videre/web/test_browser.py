"""Debian's chromium, driven by Playwright, against a real `videre serve` on 127.0.0.1.

Screenshots and page timings are written to test-artifacts/ (gitignored) at the repository root.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

import pytest

from tests.conftest import copy_database
from tests.videre.web.seed import BIDI_NUMBER, PASSWORD, SECRET_NAME, XSS, World
from videre.web.bidi import CONTROLS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
# Where each digit of an element's text is drawn, in stored order.
DIGIT_LEFTS = """el => { const t = el.firstChild, out = [];
  for (let i = 0; i < t.length; i++) if (/[0-9]/.test(t.data[i])) {
    const r = document.createRange(); r.setStart(t, i); r.setEnd(t, i + 1);
    out.push(r.getBoundingClientRect().left); }
  return out; }"""

if not Path(CHROMIUM).exists():
    pytest.skip("Debian's chromium is not installed", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    world: World
    timings: dict[str, dict[str, float]] = field(default_factory=dict)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, seeded_file: tuple[str, World]) -> Iterator[Server]:
    base = tmp_path_factory.mktemp("serve")
    db_url = copy_database(seeded_file[0], base)
    (base / "config.yaml").write_text(f"data_dir: {base / 'var'}\ndatabase:\n  url: {db_url}\n")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIDERE_")}
    videre = Path(sys.executable).with_name("videre")
    log = (base / "serve.log").open("wb")
    proc = subprocess.Popen([str(videre), "--config", str(base / "config.yaml"), "serve", "--host", "127.0.0.1",
                             "--port", str(port)], stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120  # a loaded shared machine can take a minute to import everything
    while True:
        try:
            urlopen(f"{url}/login", timeout=1).close()
            break
        except (URLError, ConnectionError, OSError):
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(f"videre serve did not start:\n{(base / 'serve.log').read_text()}") from None
            time.sleep(0.2)
    srv = Server(url, seeded_file[1])
    try:
        yield srv
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        ARTIFACTS.mkdir(exist_ok=True)
        if srv.timings:
            (ARTIFACTS / "web-timings.json").write_text(json.dumps(srv.timings, indent=2))


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


@dataclass
class Watcher:
    """Everything hostile content could make the page do, recorded."""

    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    off_site: list[str] = field(default_factory=list)


@pytest.fixture
def page(browser: object, server: Server) -> Iterator[tuple[object, Watcher]]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="sv-SE")
    pg = context.new_page()
    w = Watcher()

    def on_dialog(d: object) -> None:
        w.dialogs.append(d.message)
        d.dismiss()

    pg.on("dialog", on_dialog)
    pg.on("console", lambda m: w.errors.append(f"{m.text} at {m.location}") if m.type == "error" else None)
    pg.on("pageerror", lambda e: w.errors.append(str(e)))
    pg.on("request", lambda r: None if r.url.startswith(server.url) else w.off_site.append(r.url))
    yield pg, w
    context.close()


def sign_in(pg: object, server: Server, username: str) -> None:
    pg.goto(f"{server.url}/login")
    pg.fill("input[name=username]", username)
    pg.fill("input[name=password]", PASSWORD)
    pg.click("button[type=submit]")
    pg.wait_for_load_state("load")


def timed(pg: object, server: Server, name: str, url: str) -> None:
    """Load `url` and keep the browser's own navigation timing for the report."""
    pg.goto(url)
    t = pg.evaluate("""() => { const n = performance.getEntriesByType('navigation')[0];
        return {server_ms: n.responseStart - n.requestStart, dom_ready_ms: n.domContentLoadedEventEnd - n.startTime,
                load_ms: n.loadEventEnd - n.startTime, bytes: n.transferSize}; }""")
    server.timings[name] = {k: round(v, 1) for k, v in t.items()}


def test_sign_in_and_clear_a_queue_item(page: tuple[object, Watcher], server: Server) -> None:
    pg, w = page
    sign_in(pg, server, "anna.analyst")
    assert pg.title().startswith("Kö")
    timed(pg, server, "queue", f"{server.url}/")
    item = server.world.items["organised"]
    # Keyboard: j selects the first row, Enter opens it.
    pg.keyboard.press("j")
    pg.keyboard.press("Enter")
    pg.wait_for_url(f"**/items/{item}")
    timed(pg, server, "item", f"{server.url}/items/{item}")
    assert pg.locator(".ad-body mark.ev-hidden").first.inner_text() == "noll sju noll 174 06 05"
    pg.select_option("#status", "closed")
    pg.select_option("#label", "trafficking_suspected")
    pg.fill("#note", "Fyra namn på ett nummer, flyttad Malmö → Göteborg → Stockholm.")
    pg.click("#save-review")
    pg.wait_for_load_state("load")
    assert pg.locator("p.done").inner_text() == "Sparat."
    assert pg.locator("#item-status").inner_text() == "Avslutat"
    assert pg.locator("#item-label").inner_text() == "Misstänkt människohandel"
    assert "Fyra namn på ett nummer" in pg.locator("#notes").inner_text()
    assert pg.locator("#history li").count() == 2
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / "item-page.png"), full_page=True)
    # Cleared: the item has left the open queue.
    pg.goto(f"{server.url}/")
    assert pg.locator(f'tr[data-href="/items/{item}"]').count() == 0
    assert not w.dialogs and not w.errors and not w.off_site


def test_outreach_user_cannot_see_what_they_must_not(page: tuple[object, Watcher], server: Server) -> None:
    pg, _ = page
    sign_in(pg, server, "olga.outreach")
    assert pg.url.endswith("/outreach")
    text = pg.locator("main").inner_text()
    assert "+46701740607" in text and "Umeå" in text
    assert SECRET_NAME not in pg.content() and "Hemlig text" not in pg.content()
    assert pg.locator("img").count() == 0
    nav = pg.locator("nav.main").inner_text()
    assert "Kö" not in nav and "Larm" not in nav
    world = server.world
    for url in (f"/items/{world.items['outreach']}", f"/ads/{world.ads['outreach'][0]}",
                f"/photos/{world.photos['shared']}", f"/items/{world.items['outreach']}/export.json", "/"):
        response = pg.goto(f"{server.url}{url}")
        assert response.status == 403, url
        assert SECRET_NAME not in pg.content()


def test_xss_corpus_never_executes(page: tuple[object, Watcher], server: Server) -> None:
    pg, w = page
    sign_in(pg, server, "lars.lead")
    world = server.world
    item = world.items["hostile"]
    pg.goto(f"{server.url}/items/{item}")
    # A hostile note typed by an analyst who pasted ad text.
    pg.fill("#note", XSS[1] + " " + XSS[2])
    pg.click("#save-review")
    pg.wait_for_load_state("load")
    urls = [f"/items/{item}", "/", f"/?q={XSS[0]}", f"/?city={XSS[1]}", f"/ads/{world.ads['hostile'][0]}",
            f"/items/{item}/print", "/alerts", "/watchlists"]
    for url in urls:
        pg.goto(f"{server.url}{url}")
        pg.wait_for_load_state("load")
        # Hover and click over the ad text, where an injected handler would sit.
        for locator in (pg.locator(".ad-body").first, pg.locator(".ad-title").first):
            if locator.count():
                locator.hover()
        injected = pg.evaluate("""() => ({
            handlers: document.querySelectorAll('[onerror],[onload],[onmouseover],[onclick]').length,
            scripts: [...document.scripts].map(s => s.src || 'inline'),
            frames: document.querySelectorAll('iframe,object,embed').length,
            styles: document.querySelectorAll('style, link[rel=stylesheet]:not([href^="/static/"])').length,
            jsLinks: [...document.querySelectorAll('a[href]')].filter(a => a.href.startsWith('javascript:')).length})""")
        assert injected["handlers"] == 0 and injected["frames"] == 0 and injected["styles"] == 0, (url, injected)
        assert injected["jsLinks"] == 0, url
        assert all(s.startswith(server.url + "/static/") for s in injected["scripts"]), (url, injected)
    pg.goto(f"{server.url}/items/{item}")
    assert "<script>alert('x1')</script>" in pg.locator(".ad-title").first.inner_text()
    # The Arabic ad with a right-to-left override around its number: the override is a marker,
    # and the number's digits are drawn left to right in the order they are stored.
    body = pg.locator(f"#ad-{world.ads['hostile'][4]} .ad-body")
    text = body.text_content()
    assert not set(text) & set(CONTROLS) and f"⟨RLO⟩{BIDI_NUMBER}⟨PDF⟩" in text
    assert text.startswith("مرحبا")
    lefts = body.locator("mark.ev-phone").evaluate(DIGIT_LEFTS)
    assert len(lefts) == sum(c.isdigit() for c in BIDI_NUMBER) and lefts == sorted(lefts), lefts
    pg.screenshot(path=str(ARTIFACTS / "item-page-hostile.png"), full_page=True)
    assert w.dialogs == []
    assert w.errors == []
    assert w.off_site == []

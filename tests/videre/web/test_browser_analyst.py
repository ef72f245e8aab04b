"""The analyst's item page in Debian's chromium at 1400 px: the map (labels measured as drawn, never
overlapping), the linked timeline, paging, photos in the reasons, the graph export.

Screenshots go to test-artifacts/ (gitignored): item-organised-1400.png, item-big-1400.png,
item-big-page2-1400.png, weights-1400.png.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest

from tests.conftest import copy_database
from tests.videre.web.seed import World, add_big_item
from tests.videre.web.test_browser import (
    ARTIFACTS,
    Server,
    Watcher,
    browser,  # noqa: F401  (the fixture)
    server,  # noqa: F401  (the fixture, serving our seeded_file)
    sign_in,
)
from videre.core.config import parse_settings
from videre.store.db import Database

pytestmark = [pytest.mark.browser, pytest.mark.slow]

OVERLAPS = """() => { const boxes = [...document.querySelectorAll('#route-map text.city-label')].map(t => t.getBBox());
  let n = 0; for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height) n++; }
  return [boxes.length, n]; }"""


@pytest.fixture(scope="module")
def seeded_file(tmp_path_factory: pytest.TempPathFactory, seeded_file: tuple[str, World]) -> tuple[str, World]:
    """The session's seeded world plus a big item, for this module's server only."""
    base = tmp_path_factory.mktemp("analyst-seed")
    url, world = copy_database(seeded_file[0], base), copy.deepcopy(seeded_file[1])
    db = Database.from_settings(parse_settings({"database": {"url": url}, "data_dir": str(base / "var")}, env={}))
    world.items["big"] = add_big_item(db)
    db.dispose()
    return url, world


@pytest.fixture
def page(browser: object, server: Server) -> Iterator[tuple[object, Watcher]]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="sv-SE", accept_downloads=True)
    pg = context.new_page()
    w = Watcher()
    pg.on("console", lambda m: w.errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: w.errors.append(str(e)))
    pg.on("request", lambda r: None if r.url.startswith(server.url) else w.off_site.append(r.url))
    yield pg, w
    context.close()


def test_map_timeline_paging_and_export_of_a_big_item(page: tuple[object, Watcher], server: Server) -> None:
    pg, w = page
    sign_in(pg, server, "lars.lead")
    big = server.world.items["big"]
    pg.goto(f"{server.url}/items/{big}")
    labels, overlapping = pg.evaluate(OVERLAPS)
    assert labels == 3 and overlapping == 0
    assert pg.locator("#route-map g.move").count() >= 15
    # Hover a move on the map: its mark on the timeline lights up; hover a timeline row: its city.
    pg.hover("#route-map g.move[data-link=m3] circle")
    assert "lit" in pg.locator("#timeline g.tmove[data-link=m3]").get_attribute("class")
    pg.hover("#timeline g.row-g[data-link=c2] text")
    assert "lit" in pg.locator("#route-map g.city[data-link=c2]").get_attribute("class")
    pg.mouse.move(5, 5)
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / "item-big-1400.png"), full_page=True)
    # Paging, then one woman's ads.
    pg.click("#next-ads")
    pg.wait_for_load_state("load")
    assert "page=2" in pg.url and pg.locator("article.ad").count() == 25
    pg.screenshot(path=str(ARTIFACTS / "item-big-page2-1400.png"), full_page=False)
    pg.click("#women a:has-text('Nadia')")
    pg.wait_for_load_state("load")
    assert pg.locator("article.ad").count() == 20
    assert set(pg.locator("article.ad .ad-name").all_inner_texts()) == {"Nadia"}
    # The link graph as a download that networkx opens.
    with pg.expect_download() as dl:
        pg.click("#export-graphml")
    data = Path(dl.value.path()).read_bytes()
    g = nx.read_graphml(io.BytesIO(data))
    assert sum(1 for _, k in g.nodes(data="kind") if k == "ad") == 60
    assert not w.errors and not w.off_site


def test_photos_in_reasons_and_swedish_everywhere(page: tuple[object, Watcher], server: Server) -> None:
    pg, w = page
    sign_in(pg, server, "lars.lead")
    pg.goto(f"{server.url}/items/{server.world.items['organised']}")
    thumbs = pg.locator(".reason-photos img")
    assert thumbs.count() == 1 and thumbs.first.evaluate("i => i.complete && i.naturalWidth > 0")
    reasons = pg.locator("ul.reasons.full").inner_text()
    assert "foto P" in reasons and "under namnen" in reasons
    body = pg.locator("main").inner_text()
    for english in ("photo ", "under the names", "PDQ distance", "of the other", "Why it is here", "moves"):
        assert english not in body, english
    labels, overlapping = pg.evaluate(OVERLAPS)
    assert labels == 3 and overlapping == 0
    pg.screenshot(path=str(ARTIFACTS / "item-organised-1400.png"), full_page=True)
    pg.goto(f"{server.url}/weights")
    pg.screenshot(path=str(ARTIFACTS / "weights-1400.png"), full_page=True)
    assert not w.errors and not w.off_site

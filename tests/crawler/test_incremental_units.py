"""The pieces of incremental crawling: what is remembered, when a page is asked for again, and
how a conditional request and a probe for a rendered page are made."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

from scrapy import Request
from scrapy.http import HtmlResponse, Response

from crawler.incremental import DETAIL_META, PROBE_META, UNCHANGED_META, IncrementalMiddleware
from models.ads import Ad
from models.crawl import PageState
from tests.videre.stored_ads import add_ad
from videre.store.db import Database
from videre.store.page_memory import KnownPage, PageMemory, mark_gone, mark_seen, remember_page, validators

NOW = datetime(2026, 11, 28, 2, 30, tzinfo=timezone.utc)
URL = "http://127.0.0.1:8701/annons/a1b2c3"
ETAG = '"9f2c41d0"'
LAST_MODIFIED = "Fri, 20 Nov 2026 17:04:00 GMT"


def _memory(checked: datetime | None = NOW - timedelta(hours=30), etag: str = ETAG, hours: float = 20) -> PageMemory:
    return PageMemory({URL: KnownPage("c0ffee", etag, LAST_MODIFIED, checked)}, timedelta(hours=hours))


def test_a_page_checked_recently_is_not_asked_for_again() -> None:
    assert _memory(checked=NOW - timedelta(hours=3)).fresh(URL, NOW)
    assert not _memory(checked=NOW - timedelta(hours=30)).fresh(URL, NOW)
    assert not _memory(checked=None).fresh(URL, NOW)
    assert not _memory(checked=NOW - timedelta(hours=3), hours=0).fresh(URL, NOW)  # 0: always ask
    assert not _memory().fresh("http://127.0.0.1:8701/annons/new", NOW)


def test_validators_are_read_and_bounded() -> None:
    assert validators([("ETag", ETAG), ("Last-Modified", LAST_MODIFIED), ("Server", "x")]) == (ETAG, LAST_MODIFIED)
    assert validators([("etag", "W/" + "x" * 1000)])[0] == "W/" + "x" * 254
    assert validators([]) == ("", "")


def _middleware(memory: PageMemory) -> IncrementalMiddleware:
    return IncrementalMiddleware(SimpleNamespace(spider=SimpleNamespace(pages=memory)))  # type: ignore[arg-type]


def test_a_known_page_is_asked_for_conditionally_and_a_304_marks_it_unchanged() -> None:
    mw = _middleware(_memory())
    request = Request(URL, meta={DETAIL_META: True})
    assert mw.process_request(request) is None
    assert request.headers[b"If-None-Match"] == ETAG.encode()
    assert request.headers[b"If-Modified-Since"] == LAST_MODIFIED.encode()
    assert 304 in request.meta["handle_httpstatus_list"]
    response = mw.process_response(request, Response(URL, status=304, request=request))
    assert isinstance(response, Response) and request.meta[UNCHANGED_META] is True


def test_listing_pages_and_unknown_ads_are_fetched_plainly() -> None:
    mw = _middleware(_memory())
    listing = Request("http://127.0.0.1:8701/annonser?page=2")
    assert mw.process_request(listing) is None and b"If-None-Match" not in listing.headers
    new_ad = Request("http://127.0.0.1:8701/annons/zz9", meta={DETAIL_META: True})
    assert mw.process_request(new_ad) is None and b"If-None-Match" not in new_ad.headers


def test_a_rendered_page_is_probed_plainly_and_rendered_only_when_changed() -> None:
    mw = _middleware(_memory())
    request = Request(URL, meta={DETAIL_META: True, "playwright": True, "playwright_page_methods": ["m"]})
    probe = mw.process_request(request)
    assert isinstance(probe, Request) and probe.meta["playwright"] is False and probe.meta[PROBE_META]
    assert mw.process_request(probe) is None and probe.headers[b"If-None-Match"] == ETAG.encode()
    render = mw.process_response(probe, HtmlResponse(URL, status=200, body=b"<div id=app></div>", request=probe))
    assert isinstance(render, Request)
    assert render.meta["playwright"] is True and render.meta["playwright_page_methods"] == ["m"]
    assert render.dont_filter and b"If-None-Match" not in render.headers
    # The render itself is not probed again.
    assert mw.process_request(render) is None and b"If-None-Match" not in render.headers


def test_seen_and_gone_in_the_store(db: Database) -> None:
    with db.session() as s:
        kept = add_ad(s, URL, seen=NOW - timedelta(days=2))
        left = add_ad(s, "http://127.0.0.1:8701/annons/gone1", seen=NOW - timedelta(days=2))
        remember_page(s, kept.id, ETAG, LAST_MODIFIED, NOW - timedelta(days=2))
    with db.session() as s:
        assert mark_seen(s, URL, NOW, checked=True)
        assert not mark_seen(s, "http://127.0.0.1:8701/annons/purged", NOW, checked=False)
        assert mark_gone(s, "nattfjaril", since=NOW - timedelta(minutes=10), now=NOW) == 1
    with db.session() as s:
        assert s.get(Ad, kept.id).last_seen == NOW and s.get(Ad, kept.id).gone_at is None  # type: ignore[union-attr]
        assert s.get(Ad, left.id).gone_at == NOW  # type: ignore[union-attr]
        assert s.get(PageState, kept.id).checked_at == NOW  # type: ignore[union-attr]
        memory = PageMemory.load(s, "nattfjaril", 20)
    assert memory.conditional_headers(URL) == {"If-None-Match": ETAG, "If-Modified-Since": LAST_MODIFIED}
    assert memory.known("http://127.0.0.1:8701/annons/gone1") and memory.fresh(URL, NOW + timedelta(hours=1))

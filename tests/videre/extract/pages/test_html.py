"""The listing/detail parser on saved pages of the demo sites, static and rendered."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from tests.crawler.conftest import page
from videre.core.config import Settings
from videre.core.site_config import SiteSettings
from videre.extract.pages.html import parse_detail, parse_listing
from videre.extract.records import parse_record

SCRAPED = datetime(2026, 11, 28, 2, 30, tzinfo=timezone.utc)


def _without_volatile(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k not in ("scraped_at", "html")}


@pytest.mark.parametrize("site, case", [
    ("nattfjaril", "listing_first"), ("nattfjaril", "listing_last"),
    ("kvallsros", "listing_rendered"), ("kvallsros", "listing_shell"),
])
def test_listing_gives_detail_links_in_order_and_the_next_page(shipped: Settings, site: str, case: str) -> None:
    html, expected = page(site, case)
    result = parse_listing(expected["page_url"], html, shipped.site(site))
    assert result.links == expected["links"]
    assert result.next_url == expected["next_url"]
    assert result.records == [] and result.problems == []


def test_first_listing_pages_hold_a_full_page_of_ads(shipped: Settings) -> None:
    for site, case, per_page in (("nattfjaril", "listing_first", 20), ("kvallsros", "listing_rendered", 15)):
        html, expected = page(site, case)
        assert len(parse_listing(expected["page_url"], html, shipped.site(site)).links) == per_page


@pytest.mark.parametrize("site, case", [
    ("nattfjaril", "detail"), ("nattfjaril", "detail_many_photos"),
    ("kvallsros", "detail_rendered"), ("kvallsros", "detail_hostile_rendered"),
])
def test_detail_page_gives_the_ad_record_the_world_wrote(shipped: Settings, site: str, case: str) -> None:
    html, expected = page(site, case)
    result = parse_detail(expected["page_url"], html, shipped.site(site), scraped_at=SCRAPED)
    assert result.problems == []
    assert [_without_volatile(r) for r in result.records] == expected["records"]
    record = result.records[0]
    assert record["html"] == html
    assert record["scraped_at"] == SCRAPED.isoformat()
    # Every record passes the gate that imports and archives go through.
    assert parse_record(record).url == expected["page_url"]


def test_hostile_text_stays_literal_text(shipped: Settings) -> None:
    html, expected = page("kvallsros", "detail_hostile_rendered")
    record = parse_detail(expected["page_url"], html, shipped.site("kvallsros")).records[0]
    assert "<script>alert(1)</script>" in record["title"]
    # The DOM holds it escaped: the browser never ran it.
    assert "<script>alert(1)</script>" not in html.split("<body>", 1)[1]


def test_unrendered_shell_of_the_javascript_site_gives_no_ad(shipped: Settings) -> None:
    html, expected = page("kvallsros", "detail_shell")
    result = parse_detail(expected["page_url"], html, shipped.site("kvallsros"))
    assert result.records == []
    assert result.problems == ["no configured field matched (layout changed?)"]


def test_phone_is_only_in_the_dom_after_the_click(shipped: Settings) -> None:
    shell, _ = page("kvallsros", "detail_shell")
    rendered, expected = page("kvallsros", "detail_rendered")
    phone = expected["records"][0]["phone"]
    assert phone and phone not in shell
    assert parse_detail(expected["page_url"], rendered, shipped.site("kvallsros")).records[0]["phone"] == phone


def test_cards_site_reads_ads_from_the_listing_itself(shipped: Settings) -> None:
    """A site whose listing carries every field needs only `listing.cards` and relative selectors."""
    html, expected = page("nattfjaril", "listing_first")
    site = SiteSettings(slug="cards", start_urls=[expected["page_url"]],
                        listing={"cards": "article.ad-summary", "next": "a.next::attr(href)"},
                        fields={"url": "a.ad-link::attr(href)", "title": "a.ad-link",
                                "location": "span.city"})
    result = parse_listing(expected["page_url"], html, site, scraped_at=SCRAPED)
    got = [{k: r[k] for k in ("url", "title", "location")} for r in result.records]
    assert got == expected["cards"]
    assert all(r["html"].startswith('<article class="ad-summary">') for r in result.records)
    assert result.next_url == expected["next_url"] and result.links == []


def test_a_card_without_url_is_reported_and_skipped() -> None:
    html = ('<article class="c"><h2>Ny i stan</h2></article>'
            '<article class="c"><a href="/annons/x1">Anna</a><h2>Anna 24</h2></article>')
    site = SiteSettings(slug="cards", start_urls=["http://127.0.0.1:8799/"], listing={"cards": "article.c"},
                        fields={"url": "a::attr(href)", "title": "h2"})
    result = parse_listing("http://127.0.0.1:8799/lista", html, site)
    assert [r["url"] for r in result.records] == ["http://127.0.0.1:8799/annons/x1"]
    assert result.problems == ["card 1 has no usable url"]


def test_a_bad_time_is_dropped_and_reported_but_the_ad_is_kept(shipped: Settings) -> None:
    html, expected = page("nattfjaril", "detail")
    broken = html.replace('datetime="', 'datetime="när månen är ny, ', 1)
    result = parse_detail(expected["page_url"], broken, shipped.site("nattfjaril"))
    assert len(result.records) == 1 and "posted_at" not in result.records[0]
    assert len(result.problems) == 1 and "not a time in sv/en" in result.problems[0]


def test_links_leave_out_other_schemes_and_fragments() -> None:
    html = ('<a class="l" href="javascript:alert(1)">x</a><a class="l" href="mailto:a@b.example">m</a>'
            '<a class="l" href="/annons/a1#top">a</a><a class="l" href="/annons/a1">a</a>'
            '<a class="l" href="https://other.example/annons/b2">b</a>')
    site = SiteSettings(slug="s", start_urls=["http://127.0.0.1:8799/"], listing={"links": "a.l"},
                        fields={"title": "h1"})
    result = parse_listing("http://127.0.0.1:8799/lista", html, site)
    # Other hosts are kept here; the spider's allowed_domains keeps the crawl on the site.
    assert result.links == ["http://127.0.0.1:8799/annons/a1", "https://other.example/annons/b2"]

"""Listing pages that link to detail pages (or carry the ads as cards), static or rendered."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import scrapy
from scrapy.http import Response
from scrapy_playwright.page import PageMethod

from crawler.incremental import DETAIL_META, UNCHANGED_META
from videre.extract.pages.html import parse_detail, parse_listing
from videre.extract.pages.record import URL_FIELD, LIST_FIELD, TIME_FIELD
from crawler.screenshots import SCREENSHOT_KEY
from crawler.spiders import browser
from crawler.spiders.base import LISTING_META, SiteSpider


class HtmlSiteSpider(SiteSpider):
    """Follows `listing.next`, visits every `listing.links` page, reads ads with `fields`."""

    def _browser_meta(self, wait_for: str, reveal: bool) -> dict[str, Any]:
        """Meta for a rendered page: wait for the script's content, then reveal the phone."""
        if not self.site.render:
            return {}
        timeout_ms = self.settings.getfloat("DOWNLOAD_TIMEOUT", 30) * 1000
        methods = []
        if wait_for:
            methods.append(PageMethod(browser.wait_for_content,
                                      browser.playwright_selector(wait_for), timeout_ms))
        if reveal and self.site.reveal is not None:
            r = self.site.reveal
            methods.append(PageMethod(browser.reveal, r.click, r.wait_for, r.timeout_ms))
        # A rendered page's latency is mostly the browser's own work, not the server's load:
        # AutoThrottle learns from the plain requests (photos, robots.txt) instead.
        return {"playwright": True, "playwright_page_methods": methods,
                "autothrottle_dont_adjust_delay": True}

    def first_request(self, url: str) -> scrapy.Request:
        return self.listing_request(url, depth=1)

    def listing_request(self, url: str, depth: int) -> scrapy.Request:
        wait_for = self.site.listing.cards or self.site.listing.links
        meta = {**self._browser_meta(wait_for, reveal=False), LISTING_META: True, "listing_depth": depth}
        return scrapy.Request(url, callback=self.parse_listing, errback=self.fetch_failed, meta=meta)

    def detail_request(self, url: str) -> scrapy.Request:
        meta = {**self._browser_meta(self._content_selector(), reveal=True), DETAIL_META: True}
        if self.site.render and self.screenshots and not self.pages.known(url):
            # Evidence of how a newly seen ad looked, taken once the phone is shown.
            meta["playwright_page_methods"] = [*meta["playwright_page_methods"],
                                               PageMethod(browser.screenshot)]
        return scrapy.Request(url, callback=self.parse_detail, errback=self.fetch_failed, meta=meta)

    @property
    def screenshots(self) -> bool:
        return bool(self.settings["VIDERE_SETTINGS"].crawl.screenshots)

    def _content_selector(self) -> str:
        """The field whose presence means the script has rendered the ad: the title if there is one."""
        fields = self.site.fields
        if "title" in fields:
            return fields["title"]
        return next((sel for name, sel in fields.items()
                     if name not in (URL_FIELD, LIST_FIELD, TIME_FIELD)), "")

    def parse_listing(self, response: Response) -> Iterator[Any]:
        self.page_seen()
        html = self.text_of(response)
        if html is None:
            return
        self._check_render(response, self.site.listing.cards or self.site.listing.links)
        result = parse_listing(response.url, html, self.site)
        if not result.links and not result.records:
            self.problem("parse", response.url, "listing page with no ads (layout changed?)")
            self.complete = False
        yield from self.emit(response, result)
        now = datetime.now(timezone.utc)
        for link in result.links:
            if self.pages.fresh(link, now):
                yield self.seen(link, checked=False)
            elif self.budget_allows(link):
                yield self.detail_request(link)
        if result.next_url and self.depth_allows(response) and self.budget_allows(result.next_url):
            yield self.listing_request(result.next_url, int(response.meta.get("listing_depth", 1)) + 1)

    def parse_detail(self, response: Response) -> Iterator[Any]:
        self.page_seen()
        if response.meta.get(UNCHANGED_META):
            yield self.seen(response.url, checked=True)
            return
        html = self.text_of(response)
        if html is None:
            return
        self._check_render(response, self._content_selector())
        outcome = self._method_result(response, browser.reveal)
        if outcome is not None and outcome.startswith(browser.TIMED_OUT):
            self.problem("reveal", response.url, f"phone did not appear after the click ({outcome})")
        shot = self._method_result(response, browser.screenshot)
        for item in self.emit(response, parse_detail(response.url, html, self.site)):
            if isinstance(shot, bytes) and item.get("url") == response.url:
                item[SCREENSHOT_KEY] = shot
            yield item

    def _check_render(self, response: Response, selector: str) -> None:
        if self._method_result(response, browser.wait_for_content) == browser.TIMED_OUT:
            self.problem("render", response.url, f"nothing matched {selector!r} after rendering")

    @staticmethod
    def _method_result(response: Response, method: Any) -> Any:
        for pm in response.meta.get("playwright_page_methods") or ():
            if isinstance(pm, PageMethod) and pm.method is method:
                return pm.result
        return None

"""Listing pages that link to detail pages (or carry the ads as cards), static or rendered."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote, urljoin

import scrapy
from parsel import Selector
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.incremental import DETAIL_META, UNCHANGED_META
from crawler.screenshots import SCREENSHOT_KEY
from crawler.spiders.base import LISTING_META, SiteSpider
from videre.core.errors import InputError
from videre.extract.pages.gate import gate_on_page, looks_like_gate
from videre.extract.pages.html import parse_detail, parse_listing
from videre.extract.pages.json_api import load_json, resolve
from videre.extract.pages.record import LIST_FIELD, TIME_FIELD, URL_FIELD


class HtmlSiteSpider(SiteSpider):
    """Follows `listing.next`, visits every `listing.links` page, reads ads with `fields`."""

    def _browser_meta(self, wait_for: str, reveal: bool) -> dict[str, Any]:
        """Meta for a rendered page: wait for the script's content, then reveal the phone."""
        if not self.site.render:
            return {}
        # Playwright loads only for rendered sites: a static site's crawl starts without it.
        from scrapy_playwright.page import PageMethod

        from crawler.spiders import browser

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
        more = self.site.load_more
        if more is not None and self.site.render:
            # Each round of "load more" counts as a page against the site's page budget.
            from scrapy_playwright.page import PageMethod

            from crawler.spiders import browser

            rounds = self._budget_left(more.max_rounds)
            if rounds < more.max_rounds:
                self.stop_walk(f"page budget reached: {rounds} of {more.max_rounds} 'load more' rounds")
            items = browser.playwright_selector(wait_for)
            meta["playwright_page_methods"] = [*meta["playwright_page_methods"], PageMethod(
                browser.load_more, items, more.click and browser.playwright_selector(more.click),
                more.scroll, rounds, more.wait_ms)]
        return scrapy.Request(url, callback=self.parse_listing, errback=self.fetch_failed, meta=meta)

    def _budget_left(self, wanted: int) -> int:
        """Take up to `wanted` pages from the page budget; how many were had."""
        budget = self.settings.getint("VIDERE_PAGE_BUDGET")
        had = wanted if not budget else max(0, min(wanted, budget - self._requested))
        self._requested += had
        return had

    def detail_request(self, url: str) -> scrapy.Request:
        meta = {**self._browser_meta(self._content_selector(), reveal=True), DETAIL_META: True}
        if self.site.render and self.screenshots and not self.pages.known(url):
            # Evidence of how a newly seen ad looked, taken once the phone is shown.
            from scrapy_playwright.page import PageMethod

            from crawler.spiders import browser

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
        self._check_gate(response, html, found=True)
        result = parse_listing(response.url, html, self.site)
        if not result.links and not result.records:
            self._check_gate(response, html, found=False)
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

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """Scrapy's default callback (`scrapy parse URL`): the URL read as a detail page."""
        return self.parse_detail(response)

    def parse_detail(self, response: Response) -> Iterator[Any]:
        self.page_seen()
        if response.meta.get(UNCHANGED_META):
            yield self.seen(response.url, checked=True)
            return
        html = self.text_of(response)
        if html is None:
            return
        shot = None
        if self.site.render:
            from crawler.spiders import browser

            self._check_render(response, self._content_selector())
            outcome = self._method_result(response, browser.reveal)
            if outcome is not None and outcome.startswith(browser.TIMED_OUT):
                self.problem("reveal", response.url, f"phone did not appear after the click ({outcome})")
            shot = self._method_result(response, browser.screenshot)
        self._check_gate(response, html, found=True)
        result = parse_detail(response.url, html, self.site)
        if not result.records:
            self._check_gate(response, html, found=False)
        for item in self.emit(response, result):
            if isinstance(shot, bytes) and item.get("url") == response.url:
                item[SCREENSHOT_KEY] = shot
            if self.site.api_reveal is not None:
                yield from self.reveal_request(item)
            else:
                yield item

    def _check_gate(self, response: Response, html: str, found: bool) -> None:
        """Stop at a gate page: the configured `setup.gate` always, the wording check on empty pages."""
        if found and not self.site.setup.gate:
            return
        sel = Selector(text=html, base_url=response.url)
        name = gate_on_page(sel, self.site) if found else looks_like_gate(sel)
        if name:
            self.stop_at_gate(response, name)

    def reveal_request(self, item: dict[str, Any]) -> Iterator[Any]:
        """Ask the API the "Visa nummer" button's script would ask; the ad goes on with the answer."""
        spec = self.site.api_reveal
        assert spec is not None
        m = re.search(spec.id_pattern, str(item.get("url", "")))
        if not m:
            self.problem("reveal", str(item.get("url")), f"no ad id in the URL ({spec.id_pattern!r})")
            yield item
            return
        url = urljoin(str(item["url"]), spec.url.replace("{id}", quote(m.group(1), safe="")))
        yield scrapy.Request(url, callback=self.parse_reveal, errback=self.reveal_failed,
                             headers={"Accept": "application/json", "X-Requested-With": "XMLHttpRequest"},
                             cb_kwargs={"item": item}, meta={"videre_item": item}, dont_filter=True)

    def parse_reveal(self, response: Response, item: dict[str, Any]) -> Iterator[Any]:
        spec = self.site.api_reveal
        assert spec is not None
        try:
            value = resolve(load_json(response.body), spec.path)
        except InputError as exc:
            value = None
            self.problem("reveal", response.url, str(exc))
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
            item[spec.field] = str(value).strip()
        else:
            self.problem("reveal", response.url, f"no {spec.path!r} in the answer")
        yield item

    def reveal_failed(self, failure: Failure) -> Iterator[Any]:
        self.fetch_failed(failure)
        request = getattr(failure, "request", None)
        if request is not None and "videre_item" in request.meta:
            # The ad is kept without its phone; the failed reveal is in the run's errors.
            yield request.meta["videre_item"]

    def _check_render(self, response: Response, selector: str) -> None:
        if not self.site.render:
            return
        from crawler.spiders import browser

        if self._method_result(response, browser.wait_for_content) == browser.TIMED_OUT:
            self.problem("render", response.url, f"nothing matched {selector!r} after rendering")

    @staticmethod
    def _method_result(response: Response, method: Any) -> Any:
        from scrapy_playwright.page import PageMethod

        for pm in response.meta.get("playwright_page_methods") or ():
            if isinstance(pm, PageMethod) and pm.method is method:
                return pm.result
        return None

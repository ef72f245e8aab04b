"""What every site spider shares: its site's config, page counting, problem reports, archive capture."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import CloseSpider, IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.incremental import seen_item
from crawler.run_tracker import PAGES_STAT, ROBOTS_STAT, crawl_problem
from videre.core.config import Settings
from videre.core.site_config import SiteSettings
from videre.extract.pages.record import PageResult
from videre.store.archive import PAGE_KEY, capture
from videre.store.db import Database
from videre.store.page_memory import PageMemory

LISTING_META = "videre_listing"  # a listing (or API) page: one that failing leaves the walk incomplete


class SiteSpider(scrapy.Spider):
    """A spider for one configured site; subclasses know one shape of site."""

    def __init__(self, site: SiteSettings, **kwargs: Any) -> None:
        super().__init__(name=site.slug, **kwargs)
        self.site = site
        # Pages are followed only on the site's own hosts, whatever links an ad carries.
        self.allowed_domains = sorted({urlsplit(u).hostname or "" for u in site.start_urls} - {""})
        self.pages = PageMemory({}, timedelta(0))
        # False once part of the site was not walked (a listing page failed, or a budget or depth
        # limit stopped the walk): ads not seen then may still be online, so none is marked gone.
        self.complete = True
        self.truncated: list[str] = []
        self._requested = 0

    async def start(self) -> AsyncIterator[scrapy.Request]:
        settings: Settings = self.settings["VIDERE_SETTINGS"]
        db = Database.from_settings(settings)
        try:
            with db.session() as s:
                self.pages = PageMemory.load(s, self.site.slug, settings.crawl.recheck_after_hours)
        finally:
            db.dispose()
        for url in self.site.start_urls:
            if self.budget_allows(url):
                yield self.first_request(url)

    def budget_allows(self, what: str) -> bool:
        """Count one more page request against the site's page budget; False when it is spent."""
        budget = self.settings.getint("VIDERE_PAGE_BUDGET")
        if budget and self._requested >= budget:
            self.stop_walk(f"page budget of {budget} reached before {what}")
            return False
        self._requested += 1
        return True

    def depth_allows(self, response: Response) -> bool:
        """Whether the next listing page after this one is within the depth limit."""
        limit = self.settings.getint("VIDERE_MAX_DEPTH")
        depth = int(response.meta.get("listing_depth", 1))
        if limit and depth >= limit:
            self.stop_walk(f"depth limit of {limit} listing pages reached")
            return False
        return True

    def stop_walk(self, why: str) -> None:
        """A limit from config cut the walk short: said in the run's warnings."""
        self.complete = False
        if why not in self.truncated:
            self.truncated.append(why)

    def seen(self, url: str, checked: bool) -> dict[str, Any]:
        """An item for an ad that is still online and unchanged: no parse, no photos."""
        return seen_item(url, self.site.slug, checked)

    def first_request(self, url: str) -> scrapy.Request:
        raise NotImplementedError

    def problem(self, kind: str, where: str, message: str) -> None:
        self.logger.warning("%s: %s (%s)", kind, message, where)
        self.crawler.signals.send_catch_log(crawl_problem, kind=kind, where=where, message=message)

    def page_seen(self) -> None:
        self.crawler.stats.inc_value(PAGES_STAT)

    def fetch_failed(self, failure: Failure) -> None:
        """Errback: a page that could not be fetched is reported and the crawl goes on."""
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        if failure.check(IgnoreRequest) and "robots.txt" in failure.getErrorMessage():
            # The site asked not to be crawled there: obeyed, counted, not an error.
            self.crawler.stats.inc_value(ROBOTS_STAT)
            return
        if failure.check(HttpError):
            response = failure.value.response
            message = f"HTTP {response.status}"
        else:
            message = f"{failure.type.__name__ if failure.type else 'error'}: {failure.getErrorMessage()}"
        if request is not None and request.meta.get(LISTING_META):
            self.complete = False
        self.problem("fetch", url, message[:500])

    def stop_at_gate(self, response: Response, name: str) -> None:
        """A gate instead of the page: say so by name and stop, since every page will be the gate."""
        self.complete = False
        self.problem("gate", response.url, f"{name} shown instead of the page: the site's setup did not "
                     "get past it (docs/sites.md, Getting in)")
        raise CloseSpider(f"{name} shown")

    def text_of(self, response: Response) -> str | None:
        if isinstance(response, TextResponse):
            return response.text
        self.problem("parse", response.url, "not a text page "
                     f"({response.headers.get('Content-Type', b'').decode('latin-1')[:80] or 'no type'})")
        return None

    def emit(self, response: Response, result: PageResult) -> Iterator[dict[str, Any]]:
        """The page's ads, each carrying the page for the archive; its problems reported."""
        for message in result.problems:
            self.problem("parse", response.url, message)
        if result.records:
            page = capture(response)
            for record in result.records:
                yield {**record, PAGE_KEY: page}

"""A site whose ads come from a paged JSON API."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import scrapy
from scrapy.http import Response

from crawler.spiders.base import LISTING_META, SiteSpider
from videre.core.errors import InputError
from videre.extract.pages.json_api import parse_api_page


class JsonApiSpider(SiteSpider):
    """Reads every ad on each API page and follows `listing.next` until it is null."""

    def first_request(self, url: str) -> scrapy.Request:
        return self.page_request(url, depth=1)

    def page_request(self, url: str, depth: int) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_page, errback=self.fetch_failed,
                              headers={"Accept": "application/json"},
                              meta={LISTING_META: True, "listing_depth": depth})

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """Scrapy's default callback (`scrapy parse URL`): the URL read as an API page."""
        return self.parse_page(response)

    def parse_page(self, response: Response) -> Iterator[Any]:
        self.page_seen()
        try:
            result = parse_api_page(response.url, response.body, self.site)
        except InputError as exc:
            self.problem("parse", response.url, str(exc))
            self.complete = False
            return
        if not result.records:
            self.problem("parse", response.url, "API page with no ads (has the API changed?)")
            self.complete = False
        yield from self.emit(response, result)
        if result.next_url and self.depth_allows(response) and self.budget_allows(result.next_url):
            yield self.page_request(result.next_url, int(response.meta.get("listing_depth", 1)) + 1)

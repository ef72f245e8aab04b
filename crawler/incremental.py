"""Incremental crawling: never download an unchanged ad page again.

Three layers, cheapest first:
- a page checked less than `crawl.recheck_after_hours` ago is not requested at all: the listing
  still links to it, so the ad is marked seen;
- an older page is asked for with If-None-Match / If-Modified-Since; a 304 marks it seen;
- a page or API record that did come back is compared by content hash before its photos are
  fetched: unchanged content costs no photo downloads.

A rendered page (Playwright) is first asked for with a plain conditional HTTP request: only a
200 sends it to the browser, so an unchanged JavaScript page costs one empty 304.

State lives in the database (models.crawl.PageState, written with the ad in one transaction):
a crawl killed at any point resumes by simply running again, and re-fetches only what it had
not stored.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response

from videre.store.page_memory import PageMemory

DETAIL_META = "videre_detail"  # set by spiders on a request for one ad's page
UNCHANGED_META = "videre_unchanged"  # set here when that page answered 304
PROBE_META = "videre_probe"  # a plain conditional request standing in for a browser one
SEEN_KEY = "_seen"  # an item that only says "this ad is still online, unchanged"
CHECKED_KEY = "_checked"  # with SEEN_KEY: the page was asked for (a 304), not skipped
VALIDATORS_KEY = "_validators"  # (ETag, Last-Modified) of the ad's own page, stored with the ad


class IncrementalMiddleware:
    """Downloader middleware: conditional requests for known ad pages, probes for rendered ones."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "IncrementalMiddleware":
        return cls(crawler)

    def _memory(self) -> PageMemory | None:
        return getattr(self.crawler.spider, "pages", None)

    def process_request(self, request: Request) -> Request | None:
        memory = self._memory()
        if memory is None or not request.meta.get(DETAIL_META) or request.meta.get(UNCHANGED_META) is False:
            return None
        conditional = memory.conditional_headers(request.url)
        if not conditional:
            return None
        if request.meta.get("playwright"):
            # The browser would render an empty 304; ask plainly first.
            meta = {**request.meta, "playwright": False, PROBE_META: True}
            return request.replace(meta=meta, dont_filter=True)
        for key, value in conditional.items():
            request.headers.setdefault(key, value)
        statuses = list(request.meta.get("handle_httpstatus_list", []))
        request.meta["handle_httpstatus_list"] = sorted({*statuses, 304})
        return None

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if not request.meta.get(DETAIL_META):
            return response
        if response.status == 304:
            request.meta[UNCHANGED_META] = True
            return response
        if request.meta.get(PROBE_META) and response.status == 200:
            # Changed: now render it, without validators, and never probe it again.
            meta = {k: v for k, v in request.meta.items()
                    if k not in (PROBE_META, "handle_httpstatus_list")}
            meta.update({"playwright": True, UNCHANGED_META: False})
            headers = {k: v for k, v in request.headers.items()
                       if k.lower() not in (b"if-none-match", b"if-modified-since")}
            return request.replace(meta=meta, headers=headers, dont_filter=True)
        return response


def seen_item(url: str, site: str, checked: bool) -> dict[str, Any]:
    return {"url": url, "site": site, SEEN_KEY: True, CHECKED_KEY: checked}

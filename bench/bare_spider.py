"""A bare Scrapy spider for the crawl benchmark: the demo site's listing and detail selectors from
config.yaml, and its photos downloaded, and nothing else (no database, no hashing, no archive).

    python bench/bare_spider.py --start URL --config config.yaml --site nattfjaril --concurrency 8
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import scrapy
import yaml
from scrapy.crawler import CrawlerProcess

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# The Scrapy Videre's crawl runs on beyond politeness, so both sides load the same Scrapy: its
# extensions less the telnet console and the remote control, and HTTP(S) download handlers only.
from crawler.scrapy_base import SCRAPY_EXTENSIONS, WEB_ONLY_HANDLERS  # noqa: E402


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, start: str, site: dict[str, Any], **kw: Any) -> None:
        super().__init__(**kw)
        self.start_urls = [start]
        self.site = site
        self.counts = {"ads": 0, "photos": 0, "photo_bytes": 0}

    def parse(self, response: scrapy.http.Response) -> Any:
        listing = self.site["listing"]
        for href in response.css(listing["links"]).getall():
            yield response.follow(href, self.parse_ad)
        nxt = response.css(listing["next"]).get()
        if nxt:
            yield response.follow(nxt, self.parse)

    def parse_ad(self, response: scrapy.http.Response) -> Any:
        item: dict[str, Any] = {"url": response.url}
        for name, css in self.site["fields"].items():
            if name == "images" or "::attr(" in css:
                continue
            item[name] = " ".join(t.strip() for t in response.css(f"{css} ::text").getall()).strip()
        item["posted_at"] = response.css(self.site["fields"]["posted_at"]).get()
        self.counts["ads"] += 1
        for src in response.css(self.site["fields"]["images"]).getall():
            yield response.follow(src, self.photo)
        yield item

    def photo(self, response: scrapy.http.Response) -> None:
        self.counts["photos"] += 1
        self.counts["photo_bytes"] += len(response.body)

    def closed(self, reason: str) -> None:
        print(json.dumps({"reason": reason, **self.counts}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--start", required=True)
    parser.add_argument("--config", required=True)
    parser.add_argument("--site", required=True)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    data = yaml.safe_load(open(args.config, encoding="utf-8"))
    site = next(s for s in data["sites"] if s["slug"] == args.site)
    process = CrawlerProcess({
        "LOG_LEVEL": "WARNING", "ROBOTSTXT_OBEY": True, "CONCURRENT_REQUESTS": args.concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": args.concurrency, "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False, "TELNETCONSOLE_ENABLED": False, "REMOTE_CONTROL_ENABLED": False,
        "COOKIES_ENABLED": True,
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        "USER_AGENT": data["crawl"]["user_agent"],
        "EXTENSIONS_BASE": SCRAPY_EXTENSIONS, "DOWNLOAD_HANDLERS": WEB_ONLY_HANDLERS,
    })
    process.crawl(BareSpider, start=args.start, site=site)
    process.start()


if __name__ == "__main__":
    main()

"""Scrapy's offsite filter, widened for photos only: a site's `photo_hosts` (its CDN).

Pages are followed only on the hosts of a site's start_urls (the spider's allowed_domains). Real
sites often serve their photos from another host, listed in the site's `photo_hosts`. A photo
request to such a host passes here, and so does that host's robots.txt, so that it is obeyed as
the site's own is; any other request to it is still filtered, so no page there is ever followed.
A photo on any other foreign host is refused with a message naming the host and the setting.
Every hop of a redirect comes through here again: a photo cannot be redirected off those hosts.

Scrapy's per-request `allow_offsite` meta cannot do this: it would follow the photo through
redirects to any host, refuse a redirect from the site's own host to its CDN, and keep the CDN's
robots.txt request out (Scrapy then treats that host as having none).
"""

from __future__ import annotations

from collections.abc import Sequence

from scrapy import Request, Spider
from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached

from crawler.pipelines import PHOTO_META, REJECTED_META
from videre.core.config import Settings


def host_listed(host: str, patterns: Sequence[str]) -> bool:
    """Whether `host` is one of `patterns` (as validated in config: lower case, "*." for subdomains)."""
    for pattern in patterns:
        if pattern.startswith("*."):
            if host.endswith(pattern[1:]):
                return True
        elif host == pattern:
            return True
    return False


def refusal(host: str, site: str) -> str:
    return (f"photo host {host!r} refused: it is not the site's own host and not in "
            f"photo_hosts of site {site!r} in config.yaml (add it there if the site serves its photos from it)")


class SiteOffsiteMiddleware(OffsiteMiddleware):
    """Downloader middleware in place of Scrapy's OffsiteMiddleware (crawler/settings.py)."""

    site = ""
    photo_hosts: tuple[str, ...] = ()

    def spider_opened(self, spider: Spider) -> None:
        super().spider_opened(spider)
        settings: Settings = self.crawler.settings["VIDERE_SETTINGS"]
        self.site = self.crawler.settings["VIDERE_SITE"]
        self.photo_hosts = tuple(settings.site(self.site).photo_hosts)

    def process_request(self, request: Request) -> None:
        host = urlparse_cached(request).hostname or ""
        if request.meta.get(PHOTO_META):
            assert self.crawler.spider is not None
            if self.should_follow(request, self.crawler.spider) or host_listed(host, self.photo_hosts):
                return
            message = refusal(host, self.site)
            request.meta[REJECTED_META] = message
            raise IgnoreRequest(message)
        if (request.meta.get("dont_obey_robotstxt") and urlparse_cached(request).path == "/robots.txt"
                and host_listed(host, self.photo_hosts)):
            return
        super().process_request(request)

"""Photos from a site's CDN host (`photo_hosts`): fetched when listed, refused and counted when not.

The crawls run against the demo's nattfjaril, served on one loopback port under two host names:
its pages on 127.0.0.1 with every photo pointing at `localhost` (the "CDN"), which serves the
photos and, should a crawler ask, the pages too.
"""

from __future__ import annotations

import hashlib
import re
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.test import get_crawler
from sqlalchemy import select

from crawler.offsite import SiteOffsiteMiddleware, host_listed
from crawler.pipelines import PHOTO_META, REJECTED_META
from crawler.process import crawl_in_subprocess
from crawler.spiders.base import SiteSpider
from models.ads import Ad, Site
from models.entities import AdPhoto, Photo
from tests.crawler.conftest import demo_config
from tests.crawler.loopback import LoopbackServer, Reply
from videre.core.config import Settings, load_settings, parse_settings
from videre.demo import DemoSites, World, generate_world
from videre.demo.photos import render
from videre.store.db import Database

SITE = "nattfjaril"
OPEN_ROBOTS = "User-agent: *\nAllow: /\n"


# -- the middleware on its own ---------------------------------------------------------------------
def _middleware(photo_hosts: list[str]) -> SiteOffsiteMiddleware:
    settings = parse_settings({"sites": [{"slug": "s", "start_urls": ["https://www.nattsida.test/lista"],
                                          "photo_hosts": photo_hosts}]}, env={})
    crawler = get_crawler(Spider, {"VIDERE_SETTINGS": settings, "VIDERE_SITE": "s"})
    spider = SiteSpider(settings.site("s"))
    crawler.spider = spider
    mw = SiteOffsiteMiddleware.from_crawler(crawler)
    mw.spider_opened(spider)
    return mw


def _photo(url: str) -> Request:
    return Request(url, meta={PHOTO_META: True})


def test_photos_pass_from_the_sites_own_hosts_and_its_photo_hosts_only() -> None:
    mw = _middleware(["bilder.cdn-exempel.test", "*.imgcache.example"])
    for url in ("https://www.nattsida.test/bild/1.jpg", "https://img.www.nattsida.test/1.jpg",
                "https://bilder.cdn-exempel.test/a/1.jpg", "http://bilder.cdn-exempel.test:8080/1.jpg",
                "https://eu.imgcache.example/1.jpg", "https://a.b.imgcache.example/1.jpg"):
        assert mw.process_request(_photo(url)) is None, url
    for url in ("https://imgcache.example/1.jpg", "https://cdn-exempel.test/1.jpg",
                "https://bilder.cdn-exempel.test.evil.example/1.jpg", "https://nattsida.test/1.jpg"):
        request = _photo(url)
        with pytest.raises(IgnoreRequest, match="photo_hosts of site 's'"):
            mw.process_request(request)
        host = urlsplit(url).hostname
        assert request.meta[REJECTED_META].startswith(f"photo host {host!r} refused"), url


def test_a_photo_host_gives_photos_and_its_robots_txt_but_no_pages() -> None:
    mw = _middleware(["bilder.cdn-exempel.test"])
    robots = Request("https://bilder.cdn-exempel.test/robots.txt", meta={"dont_obey_robotstxt": True})
    assert mw.process_request(robots) is None
    for request in (Request("https://bilder.cdn-exempel.test/annons/17"),
                    Request("https://bilder.cdn-exempel.test/robots.txt"),  # not Scrapy's robots request
                    Request("https://annan.example/robots.txt", meta={"dont_obey_robotstxt": True})):
        with pytest.raises(IgnoreRequest, match="Filtered offsite request"):
            mw.process_request(request)
    assert mw.process_request(Request("https://www.nattsida.test/annons/17")) is None


def test_without_photo_hosts_every_foreign_photo_is_refused() -> None:
    mw = _middleware([])
    with pytest.raises(IgnoreRequest, match="'bilder.cdn-exempel.test' refused"):
        mw.process_request(_photo("https://bilder.cdn-exempel.test/1.jpg"))
    assert mw.process_request(_photo("https://www.nattsida.test/bild/1.jpg")) is None


def test_host_patterns() -> None:
    assert host_listed("cdn.example.com", ["cdn.example.com"])
    assert not host_listed("img.cdn.example.com", ["cdn.example.com"])
    assert host_listed("img.cdn.example.com", ["*.cdn.example.com"])
    assert not host_listed("cdn.example.com", ["*.cdn.example.com"])
    assert not host_listed("evilcdn.example.com", ["*.cdn.example.com"])
    assert not host_listed("anything.example", [])


# -- real crawls over loopback -------------------------------------------------------------------
@pytest.fixture(scope="module")
def world() -> World:
    return generate_world(7, 0.1)


class SiteAndCdn:
    """nattfjaril behind one port: pages on 127.0.0.1 (one listing page, with one extra link to an
    ad on the CDN host), photos only on localhost. Counts every request as (host, path)."""

    def __init__(self, demo: DemoSites, world: World, cdn_robots: str) -> None:
        self.hits: Counter[tuple[str, str]] = Counter()
        listed = world.site_ads(SITE)
        self.on_page, self.on_cdn_only = listed[:12], listed[12]
        self.upstream, self.cdn_robots = demo.base_urls[SITE], cdn_robots
        self.server = LoopbackServer(self._answer)
        self.base = f"http://127.0.0.1:{self.server.port}"
        self.cdn = f"http://localhost:{self.server.port}"

    def _answer(self, request: BaseHTTPRequestHandler) -> Reply:
        host = request.headers.get("Host", "").rsplit(":", 1)[0]
        path = urlsplit(request.path).path
        self.hits[(host, path)] += 1
        if host == "localhost" and path == "/robots.txt":
            return 200, "text/plain", self.cdn_robots.encode()
        if host == "127.0.0.1" and path.startswith("/bilder/"):
            return 404, "text/html", b"not here"
        if host == "127.0.0.1" and path == "/annonser":
            return 200, "text/html; charset=utf-8", self.listing()
        try:
            with urllib.request.urlopen(self.upstream + request.path, timeout=10) as answer:
                status, ctype, body = answer.status, answer.headers["Content-Type"], answer.read()
        except urllib.error.HTTPError as exc:
            status, ctype, body = exc.code, "text/html", exc.read()
        if host == "127.0.0.1":
            body = body.replace(b'src="/bilder/', f'src="{self.cdn}/bilder/'.encode())
        return status, ctype, body

    def listing(self) -> bytes:
        links = [f'<article class="ad-summary"><a class="ad-link" href="/annons/{a.id}">{a.id}</a></article>'
                 for a in self.on_page]
        # An ad page on the photo host: photos may come from there, pages are never followed.
        links.append(f'<article class="ad-summary"><a class="ad-link" '
                     f'href="{self.cdn}/annons/{self.on_cdn_only.id}">x</a></article>')
        return f"<!DOCTYPE html><html><body><main>{''.join(links)}</main></body></html>".encode()

    def cdn_paths(self) -> set[str]:
        return {path for (host, path) in self.hits if host == "localhost"}

    def close(self) -> None:
        self.server.close()


@pytest.fixture
def split_site(demo: DemoSites, world: World, request: pytest.FixtureRequest) -> Iterator[SiteAndCdn]:
    site = SiteAndCdn(demo, world, getattr(request, "param", OPEN_ROBOTS))
    yield site
    site.close()


def _crawl(tmp_path: Path, demo: DemoSites, site: SiteAndCdn,
           photo_hosts: list[str] | None) -> tuple[Settings, dict[str, Any]]:
    def edit(entry: dict[str, Any]) -> None:
        if entry["slug"] == SITE:
            entry["start_urls"] = [f"{site.base}/annonser?page=1"]
            if photo_hosts is not None:
                entry["photo_hosts"] = photo_hosts

    settings = load_settings(demo_config(tmp_path, demo, edit), env={})
    result = crawl_in_subprocess(settings, [SITE])
    [run] = result.runs
    return settings, run


def _stored(settings: Settings) -> tuple[set[str], list[str], dict[str, bytes | None]]:
    """Paths of the stored ads, the URLs of their photos, and each photo's thumbnail by sha256."""
    db = Database.from_settings(settings)
    try:
        with db.session() as s:
            paths = {urlsplit(u).path for u in s.scalars(select(Ad.url).join(Site).where(Site.slug == SITE))}
            urls = list(s.scalars(select(AdPhoto.url)))
            thumbs = {p.sha256: p.thumbnail for p in s.scalars(select(Photo))}
    finally:
        db.dispose()
    return paths, urls, thumbs


def test_photos_on_a_listed_photo_host_are_fetched_hashed_and_thumbnailed(
        tmp_path: Path, world: World, demo: DemoSites, split_site: SiteAndCdn) -> None:
    settings, run = _crawl(tmp_path, demo, split_site, ["LOCALHOST"])
    ads = split_site.on_page
    assert run["status"] == "ok" and run["errors"] == {}, run
    assert run["ads_new"] == len(ads)
    assert run["photos"] == sum(len(a.photos) for a in ads) > 0

    paths, urls, thumbs = _stored(settings)
    assert paths == {f"/annons/{a.id}" for a in ads}
    assert urls and all(u.startswith(f"{split_site.cdn}/bilder/") for u in urls)
    shown = {p for a in ads for p in a.photos}
    assert set(thumbs) == {hashlib.sha256(render(world.photos[p])).hexdigest() for p in shown}
    assert all(t and t.startswith(b"\xff\xd8") for t in thumbs.values())  # a JPEG thumbnail each

    # From the photo host: its robots.txt (obeyed) and photos; no page, though one was linked.
    assert split_site.cdn_paths() == {"/robots.txt"} | {f"/bilder/{p}.jpg" for p in shown}
    assert split_site.hits[("localhost", "/robots.txt")] == 1


def test_photos_on_an_unlisted_host_are_refused_and_counted_and_the_ads_kept(
        tmp_path: Path, demo: DemoSites, split_site: SiteAndCdn) -> None:
    settings, run = _crawl(tmp_path, demo, split_site, None)
    ads = split_site.on_page
    refused = sum(len(a.photos) for a in ads)
    assert run["status"] == "partial" and run["ads_new"] == len(ads)
    assert run["errors"] == {"photo": refused} and run["photos"] == 0
    assert run["error_samples"]
    for sample in run["error_samples"]:
        assert sample["kind"] == "photo"
        assert sample["message"].startswith(f"{split_site.cdn}/bilder/")
        assert "photo host 'localhost' refused" in sample["message"]
        assert f"photo_hosts of site '{SITE}'" in sample["message"]

    paths, urls, thumbs = _stored(settings)
    assert paths == {f"/annons/{a.id}" for a in ads} and urls == [] and thumbs == {}
    assert split_site.cdn_paths() == set()  # nothing at all was asked of the other host


@pytest.mark.parametrize("split_site", ["User-agent: *\nDisallow: /bilder/\n"], indirect=True)
def test_the_photo_hosts_robots_txt_is_obeyed(tmp_path: Path, demo: DemoSites, split_site: SiteAndCdn) -> None:
    _, run = _crawl(tmp_path, demo, split_site, ["localhost"])
    assert run["ads_new"] == len(split_site.on_page) and run["photos"] == 0
    assert run["errors"] == {"photo": sum(len(a.photos) for a in split_site.on_page)}
    assert all(re.search(r"robots\.txt", s["message"]) for s in run["error_samples"])
    assert split_site.cdn_paths() == {"/robots.txt"}

"""Serve the demo world as three sites on 127.0.0.1 (see docs in briefs/demo-sites.md).

    python -m videre.demo.sites --port-base 8701      # until Ctrl-C

Only GET and HEAD; every path is matched against a fixed route table, anything else is 404.
Detail pages carry ETag and Last-Modified and answer conditional requests with 304.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, urlsplit

from videre.demo import pages
from videre.demo.world import SITES, Ad, World

MAX_PAGE = 100_000
_PAGE_RE = re.compile(r"[1-9][0-9]{0,5}")
_ID = r"([0-9a-z]{1,16})"
ROBOTS = {
    "nattfjaril": "User-agent: *\nDisallow: /admin\n",
    "kvallsros": "User-agent: *\nAllow: /\n",
    "vastkontakt": "User-agent: *\nAllow: /\n",
}
STATIC = {
    "kvallsros": {"/static/dom.js", "/static/app.js"},
    "vastkontakt": {"/static/dom.js", "/static/vastkontakt.js"},
}


class Reply:
    """What a route answers: a status, a body, headers, and optionally the ad it shows."""

    def __init__(self, status: int, body: bytes = b"", ctype: str = "text/html; charset=utf-8",
                 headers: dict[str, str] | None = None, ad: Ad | None = None) -> None:
        self.status, self.body, self.ctype = status, body, ctype
        self.headers = headers or {}
        self.ad = ad


def _html(text: str, ad: Ad | None = None) -> Reply:
    return Reply(200, text.encode("utf-8"), ad=ad)


def _json(obj: Any, ad: Ad | None = None) -> Reply:
    return Reply(200, json.dumps(obj, ensure_ascii=False).encode("utf-8"),
                 "application/json; charset=utf-8", ad=ad)


def _redirect(location: str) -> Reply:
    return Reply(302, b"", headers={"Location": location})


NOT_FOUND = Reply(404, b"<!DOCTYPE html><title>404</title><p>Sidan finns inte.</p>")


class DemoSites:
    """The three sites of one world, served until close(); usable as a context manager."""

    def __init__(
        self, world: World, ports: dict[str, int] | None = None, host: str = "127.0.0.1"
    ) -> None:
        self.world = world
        self.layout_version = 1
        self.hits: Counter[str] = Counter()  # "slug path" -> requests, for politeness checks
        # time.monotonic() of the first request since reset_first_request(): the crawl benchmark
        # splits a command's time into start-up and crawling by it.
        self.first_request_at: float | None = None
        self._lock = threading.RLock()
        self._listing: dict[str, list[Ad]] = {}
        self._photo_ids: dict[str, set[str]] = {}
        self._servers: list[ThreadingHTTPServer] = []
        self.base_urls: dict[str, str] = {}
        _ = world.ads  # materialise before threads start
        for slug in SITES:
            port = (ports or {}).get(slug, 0)
            server = ThreadingHTTPServer((host, port), _handler_for(self, slug))
            server.daemon_threads = True
            self._servers.append(server)
            self.base_urls[slug] = f"http://{host}:{server.server_address[1]}"
            threading.Thread(target=server.serve_forever, name=f"demo-{slug}", daemon=True).start()

    # -- state ------------------------------------------------------------------------------------
    def listing(self, slug: str) -> list[Ad]:
        with self._lock:
            if slug not in self._listing:
                self._listing[slug] = self.world.site_ads(slug)
                ids = {p for a in self._listing[slug] for p in a.photos}
                self._photo_ids[slug] = ids
            return self._listing[slug]

    def photo_ids(self, slug: str) -> set[str]:
        with self._lock:
            self.listing(slug)
            return self._photo_ids[slug]

    def ad(self, slug: str, ad_id: str) -> Ad | None:
        with self._lock:
            ad = self.world.ads.get(ad_id)
            return ad if ad is not None and ad.site == slug else None

    def edit_ad(self, ad_id: str, **fields: Any) -> Ad:
        """Change an ad's shown fields (title, body, name, age, location, phone, photos)."""
        allowed = {"title", "body", "name", "age", "location", "phone", "photos"}
        if unknown := set(fields) - allowed:
            raise ValueError(f"cannot edit {sorted(unknown)}")
        if missing := set(fields.get("photos", ())) - set(self.world.photos):
            raise ValueError(f"unknown photos {sorted(missing)}")
        with self._lock:
            ad = self.world.ads[ad_id]
            for key, value in fields.items():
                setattr(ad, key, tuple(value) if key == "photos" else value)
            # Later than anything served before, without reading the clock (reproducible).
            ad.modified_at = max(ad.modified_at, self.world.reference_time) + timedelta(minutes=1)
            self._listing.clear()
            return ad

    def remove_ad(self, ad_id: str) -> None:
        with self._lock:
            del self.world.ads[ad_id]
            self._listing.clear()

    def reset_first_request(self) -> None:
        with self._lock:
            self.first_request_at = None

    # -- lifecycle --------------------------------------------------------------------------------
    def close(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        self._servers.clear()

    def __enter__(self) -> DemoSites:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def serve_demo(world: World, ports: dict[str, int] | None = None) -> DemoSites:
    """Start the three demo sites for a world (port 0 or missing: a free port)."""
    return DemoSites(world, ports)


# -- routing ---------------------------------------------------------------------------------------
def _page_number(query: str) -> int | None:
    values = parse_qs(query).get("page", ["1"])
    if len(values) != 1 or not _PAGE_RE.fullmatch(values[0]):
        return None
    return int(values[0]) if int(values[0]) <= MAX_PAGE else None


def _slice(sites: DemoSites, slug: str, page: int) -> tuple[list[Ad], bool] | None:
    ads = sites.listing(slug)
    per = SITES[slug].per_page
    pages_n = max(1, math.ceil(len(ads) / per))
    if page > pages_n:
        return None
    return ads[(page - 1) * per : page * per], page < pages_n


def _route(sites: DemoSites, slug: str, path: str, query: str) -> Reply:
    w = sites.world
    if path == "/robots.txt":
        return Reply(200, ROBOTS[slug].encode(), "text/plain; charset=utf-8")
    if path in STATIC.get(slug, ()):
        script = resources.files("videre.demo").joinpath("static", path.rsplit("/", 1)[1])
        return Reply(200, script.read_bytes(), "text/javascript; charset=utf-8")
    if m := re.fullmatch(re.escape(SITES[slug].photo_prefix) + r"(p[0-9a-z]{1,15})\.jpg", path):
        if m.group(1) not in sites.photo_ids(slug):
            return NOT_FOUND
        from videre.demo.photos import render

        body = render(w.photos[m.group(1)])
        return Reply(200, body, "image/jpeg", {"ETag": f'"{m.group(1)}"',
                                                "Cache-Control": "max-age=86400"})
    handler = ROUTES[slug]
    return handler(sites, path, query)


def _listing_route(sites: DemoSites, slug: str, query: str,
                   render: Callable[[list[Ad], int, bool], Reply]) -> Reply:
    page = _page_number(query)
    sliced = _slice(sites, slug, page) if page else None
    return render(sliced[0], page, sliced[1]) if sliced and page else NOT_FOUND


def _nattfjaril(sites: DemoSites, path: str, query: str) -> Reply:
    w, layout = sites.world, sites.layout_version
    if path == "/":
        return _redirect("/annonser")
    if path == "/annonser":
        return _listing_route(sites, "nattfjaril", query, lambda ads, p, nxt: _html(
            pages.nattfjaril_listing(w, ads, p, nxt, layout)))
    if (m := re.fullmatch(r"/annons/" + _ID, path)) and (ad := sites.ad("nattfjaril", m.group(1))):
        return _html(pages.nattfjaril_detail(w, ad, layout), ad)
    return NOT_FOUND


def _kvallsros(sites: DemoSites, path: str, query: str) -> Reply:
    w = sites.world
    if path == "/":
        return _redirect("/lista?page=1")
    if path == "/lista":
        return _html(pages.kvallsros_shell(w, "Annonser")) if _page_number(query) else NOT_FOUND
    if path == "/api/lista":
        return _listing_route(sites, "kvallsros", query, lambda ads, p, nxt: _json(
            pages.kvallsros_listing_json(ads, p, nxt)))
    if (m := re.fullmatch(r"/annons/" + _ID, path)) and (ad := sites.ad("kvallsros", m.group(1))):
        return _html(pages.kvallsros_shell(w, "Annons"), ad)
    if m := re.fullmatch(r"/api/annons/" + _ID + r"(/telefon)?", path):
        if ad := sites.ad("kvallsros", m.group(1)):
            if m.group(2):
                return _json({"id": ad.id, "phone": ad.phone})
            return _json(pages.kvallsros_detail_json(ad), ad)
    return NOT_FOUND


def _vastkontakt(sites: DemoSites, path: str, query: str) -> Reply:
    w = sites.world
    if path == "/":
        return _html(pages.vastkontakt_index(w))
    if path == "/api/v1/annonser":
        return _listing_route(sites, "vastkontakt", query, lambda ads, p, nxt: _json(
            pages.vastkontakt_listing_json(ads, p, nxt)))
    if (m := re.fullmatch(r"/profil/" + _ID, path)) and (ad := sites.ad("vastkontakt", m.group(1))):
        return _html(pages.vastkontakt_profile(w, ad), ad)
    return NOT_FOUND


ROUTES: dict[str, Callable[[DemoSites, str, str], Reply]] = {
    "nattfjaril": _nattfjaril, "kvallsros": _kvallsros, "vastkontakt": _vastkontakt,
}


# -- HTTP ------------------------------------------------------------------------------------------
def _not_modified(headers: Any, etag: str, modified: datetime) -> bool:
    if (inm := headers.get("If-None-Match")) is not None:
        return etag in {t.strip() for t in inm.split(",")} or inm.strip() == "*"
    if ims := headers.get("If-Modified-Since"):
        try:
            since = parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            return False
        return since.tzinfo is not None and modified.replace(microsecond=0) <= since
    return False


def _handler_for(sites: DemoSites, slug: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = f"{slug}/1.0"
        protocol_version = "HTTP/1.1"  # keep-alive, as a crawler expects from a real site
        timeout = 15

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            self._answer(send_body=True)

        def do_HEAD(self) -> None:  # noqa: N802
            self._answer(send_body=False)

        def _answer(self, send_body: bool) -> None:
            parts = urlsplit(self.path)
            with sites._lock:
                sites.hits[f"{slug} {parts.path}"] += 1
                if sites.first_request_at is None:
                    sites.first_request_at = time.monotonic()
            try:
                reply = _route(sites, slug, parts.path, parts.query)
            except Exception:  # a demo bug must not kill the server thread
                reply = Reply(500, b"internal error")
            headers = dict(reply.headers)
            if reply.ad is not None and reply.status == 200:
                etag = pages.fingerprint(reply.ad)
                headers["ETag"] = etag
                headers["Last-Modified"] = format_datetime(
                    reply.ad.modified_at.astimezone(UTC), usegmt=True)
                if _not_modified(self.headers, etag, reply.ad.modified_at):
                    reply = Reply(304, b"", headers={})
            self.send_response(reply.status)
            if reply.status != 304:
                self.send_header("Content-Type", reply.ctype)
                self.send_header("Content-Length", str(len(reply.body)))
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            if send_body and reply.status != 304:
                self.wfile.write(reply.body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass  # the demo is quiet; sites.hits keeps count

    return Handler


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the Videre demo sites on 127.0.0.1.")
    parser.add_argument("--port-base", type=int, default=8701, help="first port (default 8701)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args(argv)
    from videre.demo.generate import generate_world

    world = generate_world(args.seed, args.scale)
    ports = {slug: args.port_base + i for i, slug in enumerate(SITES)}
    sites = serve_demo(world, ports)
    for slug, url in sites.base_urls.items():
        print(f"{SITES[slug].title:12} {url}")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        sites.close()


if __name__ == "__main__":
    main()

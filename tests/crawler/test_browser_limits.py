"""A rendered page that never loads is tried again, then given up and reported; the crawl goes on."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from crawler.process import crawl_in_subprocess
from videre.core.config import load_settings

PAGES = {
    "/": '<html><body><a class="ad" href="/annons/snabb">Snabb</a> <a class="ad" href="/annons/seg">Seg</a>'
         "</body></html>",
    "/annons/snabb": "<html><body><h1>Ny i stan</h1><p class='phone'>070-1740605</p></body></html>",
}
STALL_S = 8.0


class _Site(BaseHTTPRequestHandler):
    hits: Counter[str] = Counter()
    stop = threading.Event()

    def do_GET(self) -> None:  # noqa: N802
        self.hits[self.path] += 1
        if self.path == "/annons/seg":
            self.stop.wait(STALL_S)  # longer than the page timeout
        body = PAGES.get(self.path, "<html><body><h1>Seg</h1></body></html>").encode()
        self.send_response(200 if self.path != "/robots.txt" else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:
            pass

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture
def site() -> Iterator[str]:
    _Site.hits.clear()
    _Site.stop.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    _Site.stop.set()
    server.shutdown()
    server.server_close()


@pytest.mark.browser
@pytest.mark.slow
def test_a_page_that_never_loads_is_retried_then_given_up(tmp_path: Path, site: str) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump({
        "data_dir": str(tmp_path / "var"), "database": {"url": f"sqlite:///{tmp_path / 'c.db'}"},
        "crawl": {"page_timeout_s": 2, "download_delay": 0, "autothrottle": False},
        "sites": [{"slug": "seg", "render": True, "start_urls": [f"{site}/"],
                   "listing": {"links": "a.ad::attr(href)"}, "fields": {"title": "h1", "phone": "p.phone"}}],
    }))
    begun = time.monotonic()
    [run] = crawl_in_subprocess(load_settings(config, env={}), ["seg"]).runs
    assert run["ads_new"] == 1 and run["status"] == "partial"
    assert run["errors"] == {"fetch": 1}
    assert "/annons/seg" in run["error_samples"][0]["where"]
    assert _Site.hits["/annons/seg"] == 3  # the first try and two retries, then no more
    assert time.monotonic() - begun < 120

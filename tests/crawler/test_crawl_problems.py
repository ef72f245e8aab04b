"""A crawl of a misbehaving little site: every problem is reported by kind, none stops the crawl.

The site runs on 127.0.0.1 in the test: a 500 page, a page that matches no selector, a page
robots.txt forbids, a link to another host, and photos that are not images, missing, or too big.
"""

from __future__ import annotations

import io
import json
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
import yaml
from PIL import Image
from sqlalchemy import select

from crawler.process import crawl_in_subprocess
from models.ads import Ad
from tests.crawler.loopback import LoopbackServer, Reply
from videre.core.config import Settings, load_settings
from videre.store.db import Database

AD = """<!DOCTYPE html><html><body><h1 class="t">{title}</h1><div class="b"><p>{body}</p></div>
<span class="p">{phone}</span>{photos}</body></html>"""


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 90)).save(out, "JPEG")
    return out.getvalue()


def _ad(title: str, phone: str, *photos: str) -> tuple[int, str, bytes]:
    imgs = "".join(f'<img class="f" src="{p}">' for p in photos)
    return 200, "text/html; charset=utf-8", AD.format(title=title, body=f"{title}, ring mig.", phone=phone,
                                                     photos=imgs).encode()


class Site:
    """Fixed routes; counts every request so tests can see what was (not) fetched."""

    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.routes: dict[str, tuple[int, str, bytes]] = {
            "/robots.txt": (200, "text/plain", b"User-agent: *\nDisallow: /privat/\n"),
            "/lista?page=1": (200, "text/html", (
                '<a class="ad" href="/annons/ok1">1</a><a class="ad" href="/annons/ok2">2</a>'
                '<a class="ad" href="/annons/trasig">3</a><a class="ad" href="/annons/tom">4</a>'
                '<a class="ad" href="/privat/dold">5</a><a class="ad" href="http://localhost:{port}/annons/ute">6</a>'
                '<a class="next" href="/lista?page=2">Nästa</a>').encode()),
            "/lista?page=2": (200, "text/html", b'<a class="ad" href="/annons/ok3">7</a>'),
            "/annons/ok1": _ad("Anna i Borås", "070-174 06 05", "/bild/a.jpg"),
            "/annons/ok2": _ad("Bea i Mölndal", "070-174 06 06", "/bild/a.jpg", "/bild/saknas.jpg"),
            "/annons/ok3": _ad("Cilla i Alingsås", "070-174 06 07", "/bild/sida.jpg", "/bild/stor.jpg"),
            "/annons/tom": (200, "text/html", "<html><body><p>Annonsen är borttagen.</p></body></html>".encode()),
            "/annons/trasig": (500, "text/html", b"internal error"),
            "/bild/a.jpg": (200, "image/jpeg", _jpeg()),
            "/bild/sida.jpg": (200, "text/html", b"<html>not a photo</html>"),
        }
        self.server = LoopbackServer(self._answer)
        self.port = self.server.port
        self.base = f"http://127.0.0.1:{self.port}"

    def _answer(self, request: BaseHTTPRequestHandler) -> Reply:
        self.hits[request.path] += 1
        if request.path == "/bild/stor.jpg":
            # Declares far more than photos.max_bytes: refused on the headers alone.
            return 200, "image/jpeg", b"\xff\xd8\xff", 900_000_000
        status, ctype, body = self.routes.get(request.path, (404, "text/html", b"not found"))
        return status, ctype, body.replace(b"{port}", str(self.port).encode())

    def close(self) -> None:
        self.server.close()


@pytest.fixture
def site() -> Iterator[Site]:
    s = Site()
    yield s
    s.close()


def _settings(tmp_path: Path, site: Site, links: str = "a.ad::attr(href)") -> Settings:
    data = {
        "data_dir": str(tmp_path / "var"),
        "database": {"url": f"sqlite:///{tmp_path / 'p.db'}"},
        "crawl": {"download_delay": 0, "run_timeout_s": 300},
        "photos": {"max_bytes": 1_000_000},
        "sites": [{"slug": "stokig", "start_urls": [f"{site.base}/lista?page=1"],
                   "listing": {"links": links, "next": "a.next::attr(href)"},
                   "fields": {"title": "h1.t", "body": "div.b", "phone": "span.p",
                              "images": "img.f::attr(src)"}}],
    }
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return load_settings(path, env={})


def test_problems_are_counted_by_kind_and_the_rest_is_stored(tmp_path: Path, site: Site) -> None:
    settings = _settings(tmp_path, site)
    result = crawl_in_subprocess(settings, ["stokig"])
    run = result.runs[0]
    assert run["status"] == "partial" and result.ok, run
    assert (run["ads_new"], run["pages"]) == (3, 6)  # 2 listings, 3 ads, 1 page without fields
    assert run["errors"] == {"fetch": 1, "parse": 1, "photo": 3}
    messages = {(e["kind"], e["message"].split(":")[0]) for e in run["error_samples"]}
    assert ("fetch", "HTTP 500") in messages
    assert any(kind == "photo" and "not an image" in m for kind, m in
               ((e["kind"], e["message"]) for e in run["error_samples"]))
    assert any("too large" in e["message"] for e in run["error_samples"])
    assert run["photos"] == 2  # a.jpg on two ads

    db = Database.from_settings(settings)
    try:
        with db.session() as s:
            phones = sorted(s.scalars(select(Ad.phone_raw)))
    finally:
        db.dispose()
    assert phones == ["070-174 06 05", "070-174 06 06", "070-174 06 07"]
    # robots.txt was obeyed and the crawl never left its own host.
    assert site.hits["/privat/dold"] == 0 and site.hits["/annons/ute"] == 0
    assert site.hits["/robots.txt"] == 1
    assert run["warnings"] == ["1 pages not fetched: the site's robots.txt forbids them"]


def test_a_site_whose_layout_changed_fails_loudly(tmp_path: Path, site: Site) -> None:
    settings = _settings(tmp_path, site, links="article.gone a::attr(href)")
    result = crawl_in_subprocess(settings, ["stokig"])
    run = result.runs[0]
    assert not result.ok and result.returncode == 1
    assert run["status"] == "failed" and run["ads_new"] == 0
    assert run["warnings"] == ["no ads stored: is the site down, or has its layout changed?"]
    assert run["errors"]["parse"] == 2  # both listing pages held no ads


def test_a_crawl_stopped_at_its_time_limit_is_recorded_as_partial(tmp_path: Path, site: Site) -> None:
    settings = _settings(tmp_path, site)
    # One request every 3 s: the 2 s limit closes the spider after the first listing page.
    data = yaml.safe_load(settings.source.read_text())  # type: ignore[union-attr]
    data["crawl"].update(download_delay=3, autothrottle=False)
    settings.source.write_text(yaml.safe_dump(data))  # type: ignore[union-attr]
    result = crawl_in_subprocess(load_settings(settings.source, env={}), ["stokig"], timeout_s=2)
    run = result.runs[0]
    assert run["status"] in ("partial", "failed") and "run_timeout_s" in run["message"]
    assert not result.timed_out  # the crawl closed itself; the parent did not have to kill it


def test_a_site_that_cannot_start_is_recorded_and_the_others_still_crawl(tmp_path: Path, site: Site) -> None:
    settings = _settings(tmp_path, site)
    data = yaml.safe_load(settings.source.read_text())  # type: ignore[union-attr]
    data["crawl"]["chromium"] = str(tmp_path / "no-chromium-here")
    data["sites"].append({**data["sites"][0], "slug": "renderad", "render": True})
    settings.source.write_text(yaml.safe_dump(data))  # type: ignore[union-attr]
    result = crawl_in_subprocess(load_settings(settings.source, env={}), ["stokig", "renderad"])
    by_site = {r["site"]: r for r in result.runs}
    assert by_site["stokig"]["ads_new"] == 3
    assert by_site["renderad"]["status"] == "failed"
    assert "crawl.chromium" in by_site["renderad"]["message"]
    assert not result.ok and result.returncode == 1


@pytest.mark.parametrize("after_s", [0, 3], ids=["at-once", "mid-crawl"])
def test_a_crawl_stopped_by_sigterm_records_its_run_as_interrupted(tmp_path: Path, site: Site,
                                                                   after_s: float) -> None:
    settings = _settings(tmp_path, site)
    data = yaml.safe_load(settings.source.read_text())  # type: ignore[union-attr]
    data["crawl"].update(download_delay=2, autothrottle=False)
    settings.source.write_text(yaml.safe_dump(data))  # type: ignore[union-attr]
    child = subprocess.Popen([sys.executable, "-m", "crawler", "--config", str(settings.source)],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert child.stdout is not None
    started = json.loads(child.stdout.readline())
    assert started["event"] == "started" and started["site"] == "stokig"
    time.sleep(after_s)
    child.send_signal(signal.SIGTERM)
    out, _ = child.communicate(timeout=120)
    summary = json.loads(out.strip().splitlines()[-1])
    assert child.returncode == 1
    [run] = summary["runs"]
    assert run["run_id"] == started["run_id"] and run["status"] == "interrupted"
    assert run["message"].startswith("stopped by a signal before")

"""Each demo site crawled end to end in a subprocess, against the generator's ground truth.

The sites are served by `serve_demo` on free ports; the crawl uses the shipped config.yaml's site
entries (only the ports, the data folder and the database are changed) and a temp SQLite file.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select
from warcio.archiveiterator import ArchiveIterator

from crawler.process import CrawlResult, crawl_in_subprocess
from models.ads import Ad, Site
from models.entities import AdPhoto, Photo
from models.ops import Run
from tests.crawler.conftest import demo_config
from videre.core.config import Settings, load_settings
from videre.demo import SITES, DemoSites, World
from videre.store.archive import OMITTED_SHA256_HEADER, replay
from videre.store.db import Database

COMPARED = ("title", "body", "name", "age_raw", "location_raw", "phone_raw")


def crawl_config(tmp_path: Path, demo: DemoSites) -> Settings:
    return load_settings(demo_config(tmp_path, demo), env={})


def crawl(settings: Settings, slug: str) -> CrawlResult:
    result = crawl_in_subprocess(settings, [slug])
    assert result.ok, result
    assert [r["site"] for r in result.runs] == [slug]
    return result


def stored(settings: Settings, slug: str) -> dict[str, Ad]:
    db = Database.from_settings(settings)
    try:
        with db.session() as s:
            ads = s.scalars(select(Ad).join(Site).where(Site.slug == slug)).all()
            return {urlsplit(a.url).path: a for a in ads}
    finally:
        db.dispose()


def expected(world: World, demo: DemoSites, slug: str) -> dict[str, dict[str, Any]]:
    """The world's own records for the site, keyed by path, in the stored ads' column names."""
    out = {}
    for r in world.iter_records({slug: demo.base_urls[slug]}):
        out[urlsplit(r["url"]).path] = {"title": r["title"], "body": r["body"], "name": r["name"],
                                        "age_raw": r["age"], "location_raw": r["location"],
                                        "phone_raw": r["phone"], "images": len(r["images"])}
    return out


def check_site(settings: Settings, world: World, demo: DemoSites, slug: str, result: CrawlResult) -> dict[str, Ad]:
    truth = world.truth()
    truth_paths = {a["path"] for g in truth["groups"] for a in g["ads"] if a["site"] == slug}
    assert len(truth_paths) == truth["sites"][slug]["ads"] > 0

    ads = stored(settings, slug)
    assert set(ads) == truth_paths  # every ad, and nothing else
    want = expected(world, demo, slug)
    for path, ad in ads.items():
        assert {k: getattr(ad, k) for k in COMPARED} == {k: want[path][k] for k in COMPARED}, path

    run = result.runs[0]
    assert run["status"] == "ok", run
    assert run["ads_new"] == len(truth_paths) and run["errors"] == {}
    assert run["photos"] == sum(w["images"] for w in want.values())

    db = Database.from_settings(settings)
    try:
        with db.session() as s:
            row = s.get(Run, run["run_id"])
            assert row is not None and row.kind == "crawl" and row.site == slug and row.finished_at
            linked = s.scalar(select(func.count()).select_from(AdPhoto))
            # Fewer links than photos only where one ad shows the same picture twice.
            assert 0 < linked <= run["photos"]
            hashes = set(s.scalars(select(Photo.sha256)))
    finally:
        db.dispose()

    archive = Path(run["message"].split("archive: ", 1)[1])
    records = list(replay(archive))
    assert {urlsplit(r["url"]).path for r in records} == truth_paths
    assert all(r["html"] for r in records)
    # Photos' fetches are on record, each the stored photo it became, but not their bytes
    # (photos.keep_originals is false; docs/security.md, "Photos kept").
    with archive.open("rb") as fh:
        photos = [(r.rec_headers.get_header(OMITTED_SHA256_HEADER), r.content_stream().read())
                  for r in ArchiveIterator(fh) if r.rec_type == "response"
                  and (r.http_headers.get_header("Content-Type") or "").startswith("image/")]
    assert len(photos) == len(hashes) and {sha for sha, _ in photos} == hashes
    assert all(body == b"" for _, body in photos)
    return ads


def test_static_site_every_listing_and_detail_page(tmp_path: Path, world: World, demo: DemoSites) -> None:
    settings = crawl_config(tmp_path, demo)
    result = crawl(settings, "nattfjaril")
    check_site(settings, world, demo, "nattfjaril", result)
    sites = world.truth()["sites"]["nattfjaril"]
    assert result.runs[0]["pages"] == sites["listing_pages"] + sites["ads"]
    # robots.txt was asked for (and obeyed), and each detail page fetched once.
    assert demo.hits["nattfjaril /robots.txt"] == 1
    assert all(n == 1 for key, n in demo.hits.items() if key.startswith("nattfjaril /annons/"))
    # A photo that several ads show is fetched once (and hashed once), as a page is.
    shown = {p for a in world.site_ads("nattfjaril") for p in a.photos}
    photos = {key: n for key, n in demo.hits.items()
              if key.startswith(f"nattfjaril {SITES['nattfjaril'].photo_prefix}")}
    assert len(photos) == len(shown) < result.runs[0]["photos"]
    assert set(photos.values()) == {1}


def test_json_api_site_and_a_second_crawl_adds_nothing(tmp_path: Path, world: World, demo: DemoSites) -> None:
    settings = crawl_config(tmp_path, demo)
    first = crawl(settings, "vastkontakt")
    ads = check_site(settings, world, demo, "vastkontakt", first)
    assert first.runs[0]["pages"] == world.truth()["sites"]["vastkontakt"]["listing_pages"]
    assert all(ad.url.startswith(demo.base_urls["vastkontakt"] + "/profil/") for ad in ads.values())

    again = crawl(settings, "vastkontakt")
    assert again.runs[0]["ads_new"] == 0
    assert set(stored(settings, "vastkontakt")) == set(ads)


@pytest.mark.browser
@pytest.mark.slow
def test_javascript_site_rendered_and_every_phone_revealed_by_the_click(
        tmp_path: Path, world: World, demo: DemoSites) -> None:
    settings = crawl_config(tmp_path, demo)
    result = crawl(settings, "kvallsros")
    ads = check_site(settings, world, demo, "kvallsros", result)
    sites = world.truth()["sites"]["kvallsros"]
    assert result.runs[0]["pages"] == sites["listing_pages"] + sites["ads"]
    # The phone is only reachable through the click: every ad has it, and the click fetched it.
    assert sum(1 for ad in ads.values() if ad.phone_raw) == sites["ads"]
    reveals = sum(n for key, n in demo.hits.items()
                  if key.startswith("kvallsros /api/annons/") and key.endswith("/telefon"))
    assert reveals >= sites["ads"]
    # Photos come through the crawler's photo pipeline only: the browser does not load them too.
    refs = Counter(f"kvallsros /foto/{p}.jpg" for a in world.site_ads("kvallsros") for p in a.photos)
    fetched = {key: n for key, n in demo.hits.items() if key.startswith("kvallsros /foto/")}
    assert set(fetched) == set(refs)
    assert all(n <= refs[key] for key, n in fetched.items())

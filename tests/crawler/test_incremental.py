"""Incremental crawling against the demo sites: an unchanged site costs no detail download, a
changed ad makes one new version, a vanished ad is marked gone, a redesigned site is flagged."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

import videre.demo.sites as demo_sites
from crawler.process import CrawlResult, crawl_in_subprocess
from models.ads import Ad, AdVersion, Site
from models.crawl import PageState
from tests.crawler.conftest import demo_config
from videre.core.config import Settings, load_settings
from videre.demo import DemoSites, World, generate_world, serve_demo
from videre.store.db import Database


@pytest.fixture
def world() -> World:
    return generate_world(7, 0.1)  # nattfjaril: 56 ads on 3 listing pages


@pytest.fixture
def demo(world: World) -> Iterator[DemoSites]:
    with serve_demo(world) as sites:
        yield sites


@pytest.fixture
def not_modified(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """ETags the demo sites answered with 304 (the server runs in this process)."""
    answered: list[str] = []
    lock = threading.Lock()
    real = demo_sites._not_modified

    def counting(headers: Any, etag: str, modified: Any) -> bool:
        hit = real(headers, etag, modified)
        if hit:
            with lock:
                answered.append(etag)
        return hit

    monkeypatch.setattr(demo_sites, "_not_modified", counting)
    return answered


def _settings(tmp_path: Path, demo: DemoSites, **crawl: Any) -> Settings:
    return load_settings(demo_config(tmp_path, demo, **crawl), env={})


def _crawl(settings: Settings, slug: str) -> dict[str, Any]:
    result: CrawlResult = crawl_in_subprocess(settings, [slug])
    [run] = result.runs
    return run


def _hits(demo: DemoSites, prefix: str) -> int:
    return sum(n for key, n in demo.hits.items() if key.startswith(prefix))


def _ads(settings: Settings, slug: str) -> dict[str, Ad]:
    db = Database.from_settings(settings)
    try:
        with db.session() as s:
            return {urlsplit(a.url).path: a for a in s.scalars(select(Ad).join(Site).where(Site.slug == slug))}
    finally:
        db.dispose()


def test_an_unchanged_site_is_recrawled_without_downloading_a_detail_page_again(
        tmp_path: Path, world: World, demo: DemoSites, not_modified: list[str]) -> None:
    ads = len(world.site_ads("nattfjaril"))
    first = _crawl(_settings(tmp_path, demo, recheck_after_hours=0), "nattfjaril")
    assert first["ads_new"] == ads and not_modified == []
    photos = _hits(demo, "nattfjaril /bilder/")

    # Asked again at once: every detail page is asked for conditionally and answers 304.
    again = _crawl(_settings(tmp_path, demo, recheck_after_hours=0), "nattfjaril")
    assert (again["ads_new"], again["ads_changed"], again["ads_unchanged"]) == (0, 0, ads)
    assert len(not_modified) == ads
    assert _hits(demo, "nattfjaril /bilder/") == photos  # no photo fetched again
    assert again["status"] == "ok" and again["warnings"] == []

    # Within the re-check interval the detail pages are not even asked for.
    details = _hits(demo, "nattfjaril /annons/")
    third = _crawl(_settings(tmp_path, demo, recheck_after_hours=20), "nattfjaril")
    assert third["ads_unchanged"] == ads and _hits(demo, "nattfjaril /annons/") == details
    assert third["pages"] == world.truth()["sites"]["nattfjaril"]["listing_pages"]


def test_one_changed_ad_gives_one_new_version_and_a_vanished_ad_is_gone(
        tmp_path: Path, world: World, demo: DemoSites, not_modified: list[str]) -> None:
    settings = _settings(tmp_path, demo, recheck_after_hours=0)
    listed = world.site_ads("nattfjaril")
    _crawl(settings, "nattfjaril")
    edited, removed = listed[3], listed[10]
    demo.edit_ad(edited.id, body="Ny i stan igen! Ring 070-1740605, bara seriösa.")
    demo.remove_ad(removed.id)

    run = _crawl(settings, "nattfjaril")
    assert (run["ads_new"], run["ads_changed"], run["ads_unchanged"], run["ads_gone"]) == (0, 1, len(listed) - 2, 1)
    assert len(not_modified) == len(listed) - 2
    ads = _ads(settings, "nattfjaril")
    assert ads[f"/annons/{edited.id}"].version == 2 and "Ny i stan igen" in ads[f"/annons/{edited.id}"].body
    assert ads[f"/annons/{removed.id}"].gone_at is not None
    assert sum(1 for a in ads.values() if a.gone_at is not None) == 1
    assert all(a.version == 1 for path, a in ads.items() if path != f"/annons/{edited.id}")
    db = Database.from_settings(settings)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(AdVersion)) == len(listed) + 1
        assert s.scalar(select(func.count()).select_from(PageState)) == len(listed)
    db.dispose()


def test_a_redesigned_site_is_reported_as_changed_and_no_ad_is_marked_gone(
        tmp_path: Path, world: World, demo: DemoSites) -> None:
    settings = _settings(tmp_path, demo)
    assert _crawl(settings, "nattfjaril")["status"] == "ok"
    demo.layout_version = 2

    run = _crawl(settings, "nattfjaril")
    assert run["status"] == "failed"
    assert any(w.startswith("site changed?") and "0 ads seen" in w for w in run["warnings"])
    assert run["ads_gone"] == 0
    assert all(a.gone_at is None for a in _ads(settings, "nattfjaril").values())


def test_an_unchanged_api_site_costs_no_photo_downloads(tmp_path: Path, world: World, demo: DemoSites) -> None:
    settings = _settings(tmp_path, demo)
    first = _crawl(settings, "vastkontakt")
    photos = _hits(demo, "vastkontakt /media/")
    again = _crawl(settings, "vastkontakt")
    assert again["ads_unchanged"] == first["ads_new"] == len(world.site_ads("vastkontakt"))
    assert _hits(demo, "vastkontakt /media/") == photos


def test_page_budget_and_depth_stop_the_walk_say_so_and_mark_nothing_gone(
        tmp_path: Path, world: World, demo: DemoSites) -> None:
    _crawl(_settings(tmp_path, demo), "nattfjaril")
    for limits, pages, warning in (({"max_pages_per_site": 10}, 10, "page budget of 10 reached"),
                                   ({"max_depth": 1}, 21, "depth limit of 1 listing pages reached")):
        run = _crawl(_settings(tmp_path, demo, recheck_after_hours=0, **limits), "nattfjaril")
        assert run["pages"] == pages and run["status"] == "partial"
        assert any(warning in w for w in run["warnings"])
        # A walk cut short proves nothing about the ads it did not reach.
        assert run["ads_gone"] == 0
    assert all(a.gone_at is None for a in _ads(_settings(tmp_path, demo), "nattfjaril").values())


@pytest.mark.browser
@pytest.mark.slow
def test_a_javascript_site_screenshots_new_ads_and_probes_before_rendering_again(
        tmp_path: Path, world: World, demo: DemoSites, not_modified: list[str]) -> None:
    settings = _settings(tmp_path, demo, recheck_after_hours=0, screenshots=True)
    ads = len(world.site_ads("kvallsros"))
    first = _crawl(settings, "kvallsros")
    assert first["ads_new"] == ads, first
    shots = list(settings.path("screenshots", "kvallsros").glob("*.png"))
    assert len(shots) == ads and all(p.read_bytes().startswith(b"\x89PNG") for p in shots)
    rendered = _hits(demo, "kvallsros /api/annons/")

    again = _crawl(settings, "kvallsros")
    assert again["ads_unchanged"] == ads and len(not_modified) == ads
    # The browser was not started for a single unchanged ad: its script never asked the API.
    assert _hits(demo, "kvallsros /api/annons/") == rendered
    assert len(list(settings.path("screenshots", "kvallsros").glob("*.png"))) == ads

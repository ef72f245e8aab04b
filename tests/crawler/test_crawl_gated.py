"""The fourth demo site (videre/demo/gated.py) crawled end to end by config.yaml's entry alone.

Every ad, every field and every date right; the gate named and the crawl stopped when the setup is
missing; every response in the WARC.
"""

from __future__ import annotations

import gzip
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from sqlalchemy import select

from crawler.process import crawl_in_subprocess
from models.ads import Ad, Site
from models.entities import AdPhoto
from models.ops import Run
from tests.crawler.conftest import REPO
from videre.core.config import DatabaseSettings, Settings, load_settings
from videre.demo.gated import GatedSite
from videre.store.archive import read_archive
from videre.store.archive_replay import replay_archives
from videre.store.db import Database

SLUG = "nattljus"


@pytest.fixture(scope="module")
def gated() -> Iterator[GatedSite]:
    with GatedSite(ads=56) as site:
        yield site


def gated_config(tmp_path: Path, site: GatedSite, edit: Any = None) -> Settings:
    """config.yaml's own nattljus entry, pointed at the running site, with a temp store."""
    data = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
    entry = next(s for s in data["sites"] if s["slug"] == SLUG)
    entry["start_urls"] = [f"{site.base_url}/annonser?offset=0&limit=12"]
    if edit is not None:
        edit(entry)
    data["sites"] = [entry]
    data["data_dir"] = str(tmp_path / "var")
    data["database"] = {"url": f"sqlite:///{tmp_path / 'crawl.db'}"}
    data["crawl"] = {**data.get("crawl", {}), "download_delay": 0, "concurrency_per_site": 8,
                     "autothrottle": False, "run_timeout_s": 300, "progress_interval_s": 0.2}
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_settings(path, env={})


def stored(settings: Settings) -> dict[str, tuple[Ad, list[str]]]:
    db = Database.from_settings(settings)
    try:
        with db.session() as s:
            out = {}
            for ad in s.scalars(select(Ad).join(Site).where(Site.slug == SLUG)):
                urls = s.scalars(select(AdPhoto.url).where(AdPhoto.ad_id == ad.id)
                                 .order_by(AdPhoto.position)).all()
                out[ad.url] = (ad, list(urls))
            return out
    finally:
        db.dispose()


def test_every_ad_every_field_every_date(tmp_path: Path, gated: GatedSite) -> None:
    settings = gated_config(tmp_path, gated)
    seen: list[tuple[dict[str, Any], str, str]] = []

    def progress(event: dict[str, Any]) -> None:
        # While the crawl runs, its Run row says so with the counts so far.
        db = Database.from_settings(settings)
        try:
            with db.session() as s:
                row = s.get(Run, event["run_id"])
                seen.append((event, row.status if row else "", row.message if row else ""))
        finally:
            db.dispose()

    result = crawl_in_subprocess(settings, [SLUG], on_progress=progress)
    run = result.runs[0]
    assert result.ok and run["status"] == "ok", run
    assert seen and all(e["site"] == SLUG and e["errors"] == {} for e, _, _ in seen)
    assert [e["pages"] for e, _, _ in seen] == sorted(e["pages"] for e, _, _ in seen)
    assert any(status == "running" and message.startswith("running: ") for _, status, message in seen)
    truth = gated.truth()
    ads = stored(settings)
    assert set(ads) == set(truth)  # tracking parameters gone: one URL per ad, nothing else
    assert run["ads_new"] == 56 and run["errors"] == {}
    english = 0
    for url, want in truth.items():
        ad, photos = ads[url]
        got = {"title": ad.title, "name": ad.name, "age": ad.age_raw, "location": ad.location_raw,
               "phone": ad.phone_raw}
        assert got == {k: want[k] for k in got}, url
        assert photos == want["images"], url  # the largest srcset candidate of each lazy photo
        assert ad.posted_at is not None
        posted = ad.posted_at if ad.posted_at.tzinfo else ad.posted_at.replace(tzinfo=UTC)
        # Exact to the minute, except where the site only says "2 hours ago".
        assert abs((posted - want["posted_at"]).total_seconds()) <= want["precision_s"] + 120, (
            url, posted, want["posted_at"])
        if want["precision_s"] == 0:
            assert posted == want["posted_at"], url
        english += want["english"]
        assert "Trygg & diskret" in ad.body  # broken HTML read as a browser would
    assert english == 1
    assert run["photos"] == sum(len(w["images"]) for w in truth.values())
    check_archive(settings, gated, truth, tmp_path)


def check_archive(settings: Settings, gated: GatedSite, truth: dict[str, dict[str, Any]],
                  tmp_path: Path) -> None:
    """Every response in the WARC (listing, detail, API JSON, photos), valid, and replayable."""
    (path,) = sorted(settings.path("archive", SLUG).glob("*.warc.gz"))
    check = subprocess.run([str(Path(sys.executable).parent / "warcio"), "check", "-v", str(path)],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    records = list(read_archive(path))
    kinds = Counter(r.kind for r in records)
    responses = [r for r in records if r.kind == "response"]
    assert kinds["request"] == kinds["response"] and kinds["metadata"] == 56
    paths = Counter(urlsplit(r.url).path.split("/")[1] for r in responses)
    # The gate's form POST (with its body) and its answer, five listing pages, every detail page.
    assert paths["aldersgrans"] == 1 and paths["annonser"] == 5 and paths["profil"] == 56
    (post,) = [r for r in records if r.kind == "request" and r.url.endswith("/aldersgrans")]
    assert post.payload == b"bekrafta=ja" and paths["api"] == 56
    assert paths["bild"] == sum(len(w["images"]) for w in truth.values())
    with gzip.open(path, "rb") as fh:
        versions = {line.strip() for line in fh if line.startswith(b"WARC/")}
    assert versions == {b"WARC/1.1"}
    # `videre rescore --archive` reads the file back into a fresh store: the same ads and phones.
    fresh = settings.model_copy(update={"database": DatabaseSettings(url=f"sqlite:///{tmp_path / 'r.db'}")})
    db = Database.from_settings(fresh)
    try:
        report = replay_archives([path], fresh, db)
        assert report.records == 56 and report.problems == [], report
        with db.session() as s:
            phones = dict(s.execute(select(Ad.url, Ad.phone_raw)).all())
    finally:
        db.dispose()
    assert phones == {url: want["phone"] for url, want in truth.items()}


def test_without_its_setup_the_gate_is_named_and_the_crawl_stops(tmp_path: Path, gated: GatedSite) -> None:
    def no_setup(entry: dict[str, Any]) -> None:
        del entry["setup"]["requests"]

    settings = gated_config(tmp_path, gated, no_setup)
    before = gated.hits.get("/annonser", 0)
    result = crawl_in_subprocess(settings, [SLUG])
    run = result.runs[0]
    assert run["status"] == "failed"
    assert run["errors"] == {"gate": 1}
    assert "age gate shown instead of the page" in run["error_samples"][0]["message"]
    assert not any("layout changed" in w for w in run["warnings"])
    assert gated.hits.get("/annonser", 0) - before == 1  # failed fast: one page, not a walk


def test_an_unconfigured_gate_is_recognised_by_its_wording(tmp_path: Path, gated: GatedSite) -> None:
    def no_setup(entry: dict[str, Any]) -> None:
        del entry["setup"]

    settings = gated_config(tmp_path, gated, no_setup)
    run = crawl_in_subprocess(settings, [SLUG]).runs[0]
    assert run["status"] == "failed" and run["errors"] == {"gate": 1}, run
    assert run["error_samples"][0]["message"].startswith("age gate shown")


@pytest.mark.browser
def test_rendered_browser_steps_get_in_and_load_more_fills_the_listing(tmp_path: Path) -> None:
    """In Chromium: a click on the gate's button sets the cookie (which plain requests then carry:
    the phone API, the photos), and "Visa fler" is clicked until every card is on the page."""
    with GatedSite(ads=20, seed=5) as site:
        def rendered(entry: dict[str, Any]) -> None:
            entry["render"] = True
            entry["start_urls"] = [f"{site.base_url}/js/annonser"]
            entry["setup"] = {"browser": [{"goto": "/"}, {"click": "button#ja"}, {"wait": "ul.annonser"}],
                              "gate": "form#aldersgrans", "gate_name": "age gate"}
            entry["listing"] = {"links": entry["listing"]["links"]}
            entry["load_more"] = {"click": "button.fler", "max_rounds": 5, "wait_ms": 500}

        settings = gated_config(tmp_path, site, rendered)
        result = crawl_in_subprocess(settings, [SLUG])
        run = result.runs[0]
        assert result.ok and run["status"] == "ok", run
        ads = stored(settings)
        truth = site.truth()
        assert set(ads) == set(truth)
        assert {url: ad.phone_raw for url, (ad, _) in ads.items()} == {u: w["phone"] for u, w in truth.items()}
        assert site.hits.get("/js/fler", 0) >= 2 and site.hits.get("/aldersgrans", 0) == 0

"""Scrapy's own tools in the project (scrapy.cfg, crawler/project.py): list, crawl, parse."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.crawler.conftest import REPO
from videre.demo.gated import GatedSite

SCRAPY = str(Path(sys.executable).parent / "scrapy")


@pytest.fixture(scope="module")
def gated() -> Iterator[GatedSite]:
    with GatedSite(ads=14) as site:
        yield site


def scrapy(tmp_path: Path, site: GatedSite, *args: str) -> subprocess.CompletedProcess[str]:
    data = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
    entry = next(s for s in data["sites"] if s["slug"] == "nattljus")
    entry["start_urls"] = [f"{site.base_url}/annonser?offset=0&limit=12"]
    data.update(sites=[entry], data_dir=str(tmp_path / "var"),
                database={"url": f"sqlite:///{tmp_path / 'c.db'}"}, crawl={"download_delay": 0})
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    env = {**os.environ, "VIDERE_CONFIG": str(tmp_path / "config.yaml")}
    return subprocess.run([SCRAPY, *args, "-L", "WARNING"], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=300)


def test_scrapy_list_names_the_configured_sites(tmp_path: Path, gated: GatedSite) -> None:
    out = scrapy(tmp_path, gated, "list")
    assert out.returncode == 0 and out.stdout.split() == ["nattljus"], out.stderr


def test_scrapy_crawl_gets_in_and_scrapes_every_ad(tmp_path: Path, gated: GatedSite) -> None:
    out = scrapy(tmp_path, gated, "crawl", "nattljus", "-O", str(tmp_path / "ads.jsonl"))
    assert out.returncode == 0, out.stderr
    items = [json.loads(line) for line in (tmp_path / "ads.jsonl").read_text().splitlines()]
    assert sorted(i["phone"] for i in items) == sorted(a.phone for a in gated.ads)


def test_scrapy_parse_reads_a_listing_behind_the_gate(tmp_path: Path, gated: GatedSite) -> None:
    out = scrapy(tmp_path, gated, "parse", "--spider", "nattljus", "-c", "parse_listing",
                 f"{gated.base_url}/annonser?offset=0&limit=12")
    assert out.returncode == 0, out.stderr
    assert out.stdout.count(f"{gated.base_url}/profil/") == 12, out.stdout[-2000:]
    assert "gate" not in out.stderr

"""`videre site try`: one page of the gated demo site, fetched with the site's setup and read."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from tests.crawler.conftest import REPO
from videre.cli.main import main
from videre.demo.gated import GatedSite


@pytest.fixture(scope="module")
def gated() -> Iterator[GatedSite]:
    with GatedSite(ads=20) as site:
        yield site


def config(tmp_path: Path, site: GatedSite, edit: Any = None) -> Path:
    data = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
    entry = next(s for s in data["sites"] if s["slug"] == "nattljus")
    entry["start_urls"] = [f"{site.base_url}/annonser?offset=0&limit=12"]
    if edit is not None:
        edit(entry)
    data.update(sites=[entry], data_dir=str(tmp_path / "var"))
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def run(path: Path, *args: str) -> Any:
    result = CliRunner().invoke(main, ["--config", str(path), "site", "try", "nattljus", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_detail_page_gives_the_record_raw_matches_and_no_warnings(tmp_path: Path, gated: GatedSite) -> None:
    ad = next(a for a in gated.ads if a.date_style == "yesterday")
    truth = gated.truth()[f"{gated.base_url}/profil/{ad.id}"]
    out = json.loads(run(config(tmp_path, gated), f"{gated.base_url}/profil/{ad.id}?utm_source=x&fbclid=y",
                         "--format", "json"))
    assert out["warnings"] == []
    (record,) = out["records"]
    assert record["url"] == f"{gated.base_url}/profil/{ad.id}"
    assert {k: record[k] for k in ("name", "age", "location", "phone", "title")} == {
        k: truth[k] for k in ("name", "age", "location", "phone", "title")}
    assert datetime.fromisoformat(record["posted_at"]) == truth["posted_at"]
    assert record["images"] == truth["images"]
    assert out["raw"]["name"] == [f"{ad.name}, {ad.age}"]  # the title as matched, before the pattern
    assert out["raw"]["posted_at"][0].startswith("igår ")


def test_a_listing_gives_clean_links_and_the_next_page(tmp_path: Path, gated: GatedSite) -> None:
    out = json.loads(run(config(tmp_path, gated), f"{gated.base_url}/annonser?offset=0&limit=12",
                         "--listing", "--format", "json"))
    assert len(out["links"]) == 12 and all("utm_" not in u and "pos=" not in u for u in out["links"])
    assert out["next"] == f"{gated.base_url}/annonser?offset=12&limit=12"
    assert out["warnings"] == []


def test_without_setup_the_gate_is_named_and_a_bad_selector_is_reported(tmp_path: Path,
                                                                        gated: GatedSite) -> None:
    def broken(entry: dict[str, Any]) -> None:
        del entry["setup"]["requests"]

    out = run(config(tmp_path, gated, broken), f"{gated.base_url}/profil/{gated.ads[0].id}")
    assert "age gate shown instead of the page" in out

    def typo(entry: dict[str, Any]) -> None:
        entry["fields"]["title"] = "h2.rubrk"

    out = json.loads(run(config(tmp_path, gated, typo), f"{gated.base_url}/profil/{gated.ads[0].id}",
                         "--format", "json"))
    assert "field title: empty ('h2.rubrk' matched 0 value(s))" in out["warnings"]

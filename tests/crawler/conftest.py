"""Fixtures for crawler tests: the shipped config's demo sites, and saved pages with expectations."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from tests.conftest import fresh_database_url
from videre.core.config import Settings, load_settings
from videre.demo import DemoSites, World, generate_world, serve_demo

REPO = Path(__file__).resolve().parents[2]
PAGES = REPO / "tests" / "fixtures" / "pages"


@pytest.fixture(scope="session")
def shipped() -> Settings:
    """config.yaml as shipped: the tests check that its site entries work, not a copy of them."""
    return load_settings(REPO / "config.yaml", env={})


def page(site: str, case: str, ext: str = "html") -> tuple[str, dict[str, Any]]:
    """A saved page and what it should give (with the URL it was served from)."""
    body = (PAGES / site / f"{case}.{ext}").read_text(encoding="utf-8")
    expected = json.loads((PAGES / site / f"{case}.json").read_text(encoding="utf-8"))
    return body, expected


@pytest.fixture(scope="module")
def world() -> World:
    return generate_world(7)


@pytest.fixture(scope="module")
def demo(world: World) -> Iterator[DemoSites]:
    """The three demo sites on free ports, for the tests of one module."""
    with serve_demo(world) as sites:
        yield sites


def demo_config(tmp_path: Path, demo: DemoSites, edit: Callable[[dict[str, Any]], None] | None = None,
                **crawl: Any) -> Path:
    """config.yaml as shipped, pointed at the running demo, with a temp database and data folder."""
    data = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
    # Sites the three-site demo does not serve (the fourth, gated one) are left out.
    data["sites"] = [site for site in data["sites"] if site["slug"] in demo.base_urls]
    for site in data["sites"]:
        parts = urlsplit(site["start_urls"][0])
        site["start_urls"] = [f"{demo.base_urls[site['slug']]}{parts.path}?{parts.query}"]
        if edit is not None:
            edit(site)
    data["data_dir"] = str(tmp_path / "var")
    data["database"] = {"url": fresh_database_url(tmp_path)}
    data["crawl"] = {**data.get("crawl", {}), "download_delay": 0, "run_timeout_s": 600, **crawl}
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path

"""Identity and politeness: who the crawler says it is, and why it ignores a robots.txt when told to."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import videre.demo.sites as demo_sites
from crawler.process import crawl_in_subprocess
from crawler.settings import site_settings
from tests.conftest import make_settings
from tests.crawler.conftest import demo_config
from videre.core.config import Settings, load_settings
from videre.core.errors import ConfigError
from videre.demo import DemoSites, generate_world, serve_demo

SITE = {"slug": "s", "start_urls": ["http://127.0.0.1:8799/"], "listing": {"links": "a"}, "fields": {"title": "h1"}}


def test_every_request_names_the_contact(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, crawl={"contact": "tips@polisen.example"}, sites=[SITE])
    headers = site_settings(settings, settings.site("s"))["DEFAULT_REQUEST_HEADERS"]
    assert headers["From"] == "tips@polisen.example" and "Accept" in headers


@pytest.mark.parametrize("config", [
    {"sites": [{**SITE, "obey_robots": False}]},
    {"crawl": {"obey_robots": False}, "sites": [SITE]},
])
def test_ignoring_robots_txt_needs_a_reason(tmp_path: Path, config: dict[str, Any]) -> None:
    with pytest.raises(ConfigError, match="robots.txt is not obeyed for s: give each site a robots_reason"):
        make_settings(tmp_path, **config)


@pytest.fixture
def demo() -> Iterator[DemoSites]:
    with serve_demo(generate_world(7, 0.1)) as sites:
        yield sites


@pytest.mark.slow
def test_the_crawl_says_who_it_is_and_records_why_robots_txt_was_not_obeyed(
        tmp_path: Path, demo: DemoSites, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, str]] = []
    lock = threading.Lock()
    real = demo_sites._not_modified

    def recording(headers: Any, etag: str, modified: Any) -> bool:
        with lock:
            seen.append((headers.get("User-Agent", ""), headers.get("From", "")))
        return real(headers, etag, modified)

    monkeypatch.setattr(demo_sites, "_not_modified", recording)

    def no_robots(site: dict[str, Any]) -> None:
        site.update(obey_robots=False, robots_reason="written agreement with the site owner, 2026-11-02")

    settings: Settings = load_settings(demo_config(tmp_path, demo, edit=no_robots), env={})
    [run] = crawl_in_subprocess(settings, ["nattfjaril"]).runs
    assert run["status"] == "ok"
    assert "robots.txt not obeyed: written agreement with the site owner, 2026-11-02" in run["message"]
    assert demo.hits["nattfjaril /robots.txt"] == 0
    assert seen and all(ua == settings.crawl.user_agent and frm == settings.crawl.contact for ua, frm in seen)

"""Scrapy settings from config: polite defaults, per-site overrides, the browser found or refused."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.settings import (
    ASYNCIO_REACTOR,
    CHROMIUM_ARGS,
    PLAYWRIGHT_HANDLER,
    WEB_ONLY_HANDLERS,
    find_chromium,
    site_settings,
)
from crawler.spiders import check_site, spider_class
from crawler.spiders.html import HtmlSiteSpider
from crawler.spiders.json_api import JsonApiSpider
from tests.conftest import make_settings
from tests.crawler.conftest import REPO
from videre.core.config import CrawlSettings, Settings
from videre.core.errors import ConfigError, CrawlError
from videre.core.site_config import SiteSettings


def test_static_site_is_polite_and_quiet(shipped: Settings) -> None:
    s = site_settings(shipped, shipped.site("nattfjaril"))
    assert s["USER_AGENT"] == shipped.crawl.user_agent and "Videre" in s["USER_AGENT"]
    assert s["ROBOTSTXT_OBEY"] is True and s["AUTOTHROTTLE_ENABLED"] is True
    assert s["CONCURRENT_REQUESTS_PER_DOMAIN"] == shipped.crawl.concurrency_per_site
    assert s["DOWNLOAD_MAXSIZE"] == shipped.crawl.page_max_bytes
    assert s["TELNETCONSOLE_ENABLED"] is False and s["REMOTE_CONTROL_ENABLED"] is False
    assert s["TWISTED_REACTOR"] == ASYNCIO_REACTOR
    assert PLAYWRIGHT_HANDLER not in s["DOWNLOAD_HANDLERS"].values()  # no browser for a static site
    assert list(s["ITEM_PIPELINES"]) == ["crawler.pipelines.ArchivePipeline",
                                         "crawler.pipelines.PhotoPipeline", "crawler.pipelines.StorePipeline"]


# In a process of its own: whatever this one has imported already does not count.
_COMPONENTS = """
import json, sys
from scrapy.settings import Settings
from crawler.settings import site_settings
from videre.core.config import load_settings
settings = load_settings(sys.argv[1])
s = Settings(site_settings(settings, settings.site("nattfjaril")))
extensions = list(s.get_component_priority_dict_with_base("EXTENSIONS"))
handlers = {k: v for k, v in s.getwithbase("DOWNLOAD_HANDLERS").items() if v}
print(json.dumps({"extensions": extensions, "handlers": handlers,
                  "loaded": sorted(m for m in sys.modules if m.startswith(("aiohttp", "scrapy.extensions")))}))
"""


def test_switched_off_extensions_are_not_loaded_and_only_http_is_spoken() -> None:
    out = subprocess.run([sys.executable, "-c", _COMPONENTS, str(REPO / "config.yaml")], check=True,
                         capture_output=True, text=True, cwd=REPO).stdout
    found = json.loads(out)
    # Scrapy's own extensions still run (the time limit, the stats, the throttle), and Videre's.
    assert {"scrapy.extensions.closespider.CloseSpider", "scrapy.extensions.corestats.CoreStats",
            "scrapy.extensions.throttle.AutoThrottle", "crawler.run_tracker.CrawlRunLog"} <= set(found["extensions"])
    # The telnet console and the remote control (a code-execution server) are not even imported.
    assert not [e for e in found["extensions"] if "telnet" in e or "remote_control" in e]
    assert not [m for m in found["loaded"] if m.startswith("aiohttp") or "remote_control" in m or "telnet" in m]
    assert sorted(found["handlers"]) == ["http", "https"]


@pytest.mark.browser
def test_rendered_site_drives_debian_chromium_headless(shipped: Settings) -> None:
    s = site_settings(shipped, shipped.site("kvallsros"))
    assert s["DOWNLOAD_HANDLERS"] == {**WEB_ONLY_HANDLERS, "http": PLAYWRIGHT_HANDLER, "https": PLAYWRIGHT_HANDLER}
    launch = s["PLAYWRIGHT_LAUNCH_OPTIONS"]
    assert Path(launch["executable_path"]).is_file()
    assert launch["headless"] is True and launch["args"] == list(CHROMIUM_ARGS)
    assert s["PLAYWRIGHT_MAX_PAGES_PER_CONTEXT"] == shipped.crawl.browser_max_pages


def test_per_site_values_override_the_crawl_defaults(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, crawl={"obey_robots": True, "concurrency_per_site": 2},
                             sites=[{"slug": "s", "start_urls": ["http://127.0.0.1:8799/"],
                                     "obey_robots": False, "robots_reason": "agreement with the site",
                                     "concurrency": 1, "download_delay": 2.5,
                                     "listing": {"links": "a"}, "fields": {"title": "h1"}}])
    s = site_settings(settings, settings.site("s"), run_timeout_s=30)
    assert s["ROBOTSTXT_OBEY"] is False
    assert s["CONCURRENT_REQUESTS"] == s["CONCURRENT_REQUESTS_PER_DOMAIN"] == 1
    assert s["DOWNLOAD_DELAY"] == 2.5 and s["CLOSESPIDER_TIMEOUT"] == 30


def test_missing_chromium_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CrawlError, match="not a file"):
        find_chromium(CrawlSettings(chromium=str(tmp_path / "no-such-chromium")))


@pytest.mark.browser
def test_auto_finds_the_installed_chromium() -> None:
    assert Path(find_chromium(CrawlSettings())).name.startswith("chromium")


def test_each_kind_gets_its_generic_spider(shipped: Settings) -> None:
    assert spider_class(shipped.site("nattfjaril")) is HtmlSiteSpider
    assert spider_class(shipped.site("kvallsros")) is HtmlSiteSpider
    assert spider_class(shipped.site("vastkontakt")) is JsonApiSpider


@pytest.mark.parametrize("site, message", [
    ({"listing": {}, "fields": {"title": "h1"}}, "set links"),
    ({"listing": {"links": "a.ad["}, "fields": {"title": "h1"}}, "invalid selector"),
    ({"listing": {"links": "a"}, "fields": {}}, "no fields"),
    ({"listing": {"links": "a"}, "fields": {"title": "h1"},
      "reveal": {"click": "button", "wait_for": ".phone"}}, "reveal needs render"),
])
def test_a_broken_site_entry_fails_before_crawling(site: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        check_site(SiteSettings(slug="s", start_urls=["http://127.0.0.1:8799/"], **site))

"""Scrapy settings built from Videre's config: one dict per site, polite by default."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from scrapy.settings.default_settings import DEFAULT_REQUEST_HEADERS, RETRY_EXCEPTIONS

from crawler.scrapy_base import SCRAPY_EXTENSIONS, WEB_ONLY_HANDLERS
from videre.core.config import CrawlSettings, Settings
from videre.core.errors import CrawlError
from videre.core.site_config import SiteSettings

ASYNCIO_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
PLAYWRIGHT_HANDLER = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser")
DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
# Flags that keep a headless Chromium quiet: no sandbox (containers), no GPU, no phoning home.
CHROMIUM_ARGS = ("--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run")
# Settings every crawler in the process shares; the reactor cannot differ between them.
PROCESS_SETTINGS: dict[str, Any] = {
    "TWISTED_REACTOR": ASYNCIO_REACTOR,
    "TELNETCONSOLE_ENABLED": False,
    "REMOTE_CONTROL_ENABLED": False,
    "LOG_LEVEL": "WARNING",
}


def find_chromium(crawl: CrawlSettings) -> str:
    """The browser to drive: `crawl.chromium`, or on `auto` the one on PATH, else Debian's."""
    if crawl.chromium != "auto":
        path = Path(crawl.chromium)
        if not path.is_file():
            raise CrawlError(f"crawl.chromium is {crawl.chromium!r}, which is not a file")
        return str(path)
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    if DEBIAN_CHROMIUM.is_file():
        return str(DEBIAN_CHROMIUM)
    raise CrawlError("no Chromium found for a site with render: true; "
                     "install it (apt-get install -y chromium) or set crawl.chromium")


def obeys_robots(settings: Settings, site: SiteSettings) -> bool:
    return settings.crawl.obey_robots if site.obey_robots is None else site.obey_robots


def process_settings(log_level: str = "WARNING") -> dict[str, Any]:
    return {**PROCESS_SETTINGS, "LOG_LEVEL": log_level}


def site_settings(settings: Settings, site: SiteSettings, log_level: str = "WARNING",
                  run_timeout_s: float | None = None) -> dict[str, Any]:
    """Everything Scrapy needs to crawl one site the way config.yaml says."""
    crawl = settings.crawl
    concurrency = site.concurrency or crawl.concurrency_per_site
    delay = crawl.download_delay if site.download_delay is None else site.download_delay
    out: dict[str, Any] = {
        **process_settings(log_level),
        "BOT_NAME": "videre",
        "USER_AGENT": crawl.user_agent,
        "ROBOTSTXT_OBEY": obeys_robots(settings, site),
        "CONCURRENT_REQUESTS": concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
        "DOWNLOAD_DELAY": delay,
        "AUTOTHROTTLE_ENABLED": crawl.autothrottle,
        "AUTOTHROTTLE_START_DELAY": max(delay, 0.1),
        "AUTOTHROTTLE_MAX_DELAY": 30.0,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(concurrency),
        "DOWNLOAD_MAXSIZE": crawl.page_max_bytes,
        "DOWNLOAD_WARNSIZE": crawl.page_max_bytes,
        "DOWNLOAD_TIMEOUT": crawl.page_timeout_s,
        "RETRY_TIMES": 2,
        # The parent kills the process a little after this; closing first lets the run be recorded.
        "CLOSESPIDER_TIMEOUT": run_timeout_s or crawl.run_timeout_s,
        "COOKIES_ENABLED": True,
        "ITEM_PIPELINES": {
            "crawler.pipelines.ArchivePipeline": 100,
            "crawler.pipelines.PhotoPipeline": 200,
            "crawler.pipelines.StorePipeline": 300,
        },
        "EXTENSIONS_BASE": SCRAPY_EXTENSIONS,
        "EXTENSIONS": {"crawler.run_tracker.CrawlRunLog": 0},
        "DOWNLOAD_HANDLERS": WEB_ONLY_HANDLERS,
        "DOWNLOADER_MIDDLEWARES": {
            # Scrapy's offsite filter, which also lets photos through from the site's photo_hosts.
            "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
            "crawler.offsite.SiteOffsiteMiddleware": 50,
            # Scrapy's robots.txt filter, which also checks every request that waited for the file.
            "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
            "crawler.robots.SharedRobotsTxtMiddleware": 100,
            # The site's setup (age gate, consent, cookies) before the first request; before
            # CookiesMiddleware (700), which then sends what the setup got.
            "crawler.setup.SiteSetupMiddleware": 550,
            # Conditional requests for ad pages already stored (crawler.incremental).
            "crawler.incremental.IncrementalMiddleware": 650,
        },
        # Who is asking, for a site operator who reads the logs: the contact as well as the agent.
        "DEFAULT_REQUEST_HEADERS": {**DEFAULT_REQUEST_HEADERS, "From": crawl.contact,
                                    **site.setup.headers},
        "VIDERE_SETTINGS": settings,
        "VIDERE_SITE": site.slug,
        "VIDERE_PAGE_BUDGET": site.max_pages if site.max_pages is not None else crawl.max_pages_per_site,
        "VIDERE_MAX_DEPTH": crawl.max_depth,
    }
    if site.render:
        out.update(browser_settings(crawl))
    return out


def browser_settings(crawl: CrawlSettings) -> dict[str, Any]:
    return {
        "DOWNLOAD_HANDLERS": {**WEB_ONLY_HANDLERS, "http": PLAYWRIGHT_HANDLER, "https": PLAYWRIGHT_HANDLER},
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": {
            "executable_path": find_chromium(crawl),
            "headless": True,
            "args": list(CHROMIUM_ARGS),
        },
        # No startup contexts: each scheme has its own handler, and a startup context would launch
        # a browser in each. Without them the browser starts on the first rendered page.
        # scrapy-playwright puts Scrapy's user agent on the browser's own requests as well.
        # One context for the whole crawl, reused page after page, with a cap on open pages.
        "PLAYWRIGHT_MAX_CONTEXTS": 1,
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": crawl.browser_max_pages,
        # A page that does not load in time is tried again (RETRY_TIMES), then given up and reported.
        "RETRY_EXCEPTIONS": [*RETRY_EXCEPTIONS, "playwright.async_api.TimeoutError"],
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": crawl.page_timeout_s * 1000,
        # Photos are fetched once by the photo pipeline; the browser need not load them too.
        "PLAYWRIGHT_ABORT_REQUEST": "crawler.spiders.browser.skip_heavy_resource",
    }

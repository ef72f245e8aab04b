"""Getting in before the first page: the site's `setup` from config.yaml, as a downloader middleware.

Before any request of the crawl goes out, the setup runs once: its `browser` steps in Chromium
(goto, click, wait), then its `requests` (an age gate's form POST, a consent GET). Cookies they
set, and the configured `cookies`, go with every later request, plain or rendered. Running here
rather than in the spider means `scrapy parse` and `scrapy shell` get in the same way a crawl does
(docs/sites.md, "Getting in").
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urljoin

import scrapy
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy_playwright.page import PageMethod

from crawler.run_tracker import crawl_problem
from videre.core.config import Settings
from videre.core.site_config import BrowserStep, SiteSettings

SETUP_META = "videre_setup"
MAX_COOKIES = 100


async def run_steps(page: Any, steps: list[BrowserStep], base: str) -> list[str]:
    """PageMethod: the browser steps in order; what failed, instead of raising."""
    from crawler.spiders.browser import playwright_selector

    failed: list[str] = []
    for step in steps:
        try:
            if step.goto:
                await page.goto(urljoin(base, step.goto), timeout=step.timeout_ms)
            elif step.click:
                await page.click(playwright_selector(step.click), timeout=step.timeout_ms)
            else:
                await page.wait_for_selector(playwright_selector(step.wait), state="attached",
                                             timeout=step.timeout_ms)
        except Exception as exc:  # Playwright's errors: reported, the crawl decides
            failed.append(f"{step.model_dump(exclude_defaults=True)}: {str(exc).splitlines()[0][:200]}")
            break
    return failed


class SiteSetupMiddleware:
    """Runs the site's setup once, before the first request; adds its cookies to every request."""

    def __init__(self, crawler: Crawler, site: SiteSettings) -> None:
        self.crawler = crawler
        self.site = site
        self.cookies: dict[str, str] = dict(site.setup.cookies)
        self._done: asyncio.Future[bool] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "SiteSetupMiddleware":
        settings: Settings = crawler.settings["VIDERE_SETTINGS"]
        return cls(crawler, settings.site(crawler.settings["VIDERE_SITE"]))

    @property
    def needed(self) -> bool:
        return bool(self.site.setup.requests or self.site.setup.browser)

    async def process_request(self, request: Request) -> None:
        # robots.txt comes first: the setup's own requests wait for it, so it cannot wait for them.
        if request.meta.get(SETUP_META) is not None or request.meta.get("dont_obey_robotstxt"):
            return None
        if self.needed:
            if self._done is None:
                self._done = asyncio.get_running_loop().create_future()
                try:
                    ok = await self._run()
                except Exception as exc:  # a setup that cannot even be sent (bad URL, refused)
                    self._problem(self.site.start_urls[0], f"setup failed: {type(exc).__name__}: {exc}")
                    ok = False
                self._done.set_result(ok)
                if not ok:
                    # Every page would be the gate: stop now, the reason is in the run's errors.
                    asyncio.ensure_future(self.crawler.engine.close_spider_async(reason="setup failed"))
            elif not self._done.done():
                await asyncio.shield(self._done)
            if not self._done.result():
                raise IgnoreRequest("the site's setup failed")

        if self.cookies and isinstance(request.cookies, dict):
            # CookiesMiddleware (later in the chain) merges these into the site's jar.
            request.cookies = {**self.cookies, **request.cookies}
        return None

    async def _run(self) -> bool:
        base = self.site.start_urls[0]
        if self.site.setup.browser:
            if not await self._browser(base):
                return False
        for n, step in enumerate(self.site.setup.requests):
            url = urljoin(base, step.url)
            meta = {SETUP_META: n, "handle_httpstatus_all": True}
            if step.method == "POST" or step.form:
                request: Request = scrapy.FormRequest(url, method=step.method, formdata=step.form,
                                                      meta=meta, cookies=dict(self.cookies), dont_filter=True)
            else:
                request = Request(url, meta=meta, cookies=dict(self.cookies), dont_filter=True)
            response = await self.crawler.engine.download_async(request)
            if response.status >= 400:
                self._problem(url, f"setup {step.method} {url} answered HTTP {response.status}")
                return False
        return True

    async def _browser(self, base: str) -> bool:
        """The browser steps in a page of the crawl's browser context; its cookies are kept."""
        first = next((s.goto for s in self.site.setup.browser if s.goto), "") or base
        steps = self.site.setup.browser
        if steps[0].goto:
            steps = steps[1:]
        request = Request(urljoin(base, first), dont_filter=True, meta={
            SETUP_META: "browser", "playwright": True, "playwright_include_page": True,
            "playwright_page_methods": [PageMethod(run_steps, steps, base)],
            "handle_httpstatus_all": True})
        response: Response = await self.crawler.engine.download_async(request)
        page = response.meta.get("playwright_page")
        failed = next((pm.result for pm in response.meta["playwright_page_methods"]), [])
        try:
            if page is not None:
                for cookie in (await page.context.cookies())[:MAX_COOKIES]:
                    self.cookies[cookie["name"]] = cookie["value"]
        finally:
            if page is not None:
                await page.close()
        if failed:
            self._problem(request.url, f"setup browser step failed: {failed[0]}")
            return False
        return True

    def _problem(self, where: str, message: str) -> None:
        self.crawler.signals.send_catch_log(crawl_problem, kind="setup", where=where, message=message)

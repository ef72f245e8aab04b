"""`videre site try`: one page fetched with a site's setup and read with its selectors.

The same setup (cookies, headers, gate requests, browser steps) and the same page functions as a
crawl, on one page, so an operator can iterate on selectors in seconds (docs/sites.md, "Debugging").
Plain pages are fetched with httpx, rendered ones in Chromium; robots.txt is obeyed as the crawl
would obey it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote, urljoin, urlsplit
from urllib.robotparser import RobotFileParser

from parsel import Selector

from crawler.settings import obeys_robots
from videre.core.config import Settings
from videre.core.errors import CrawlError, InputError
from videre.core.site_config import SiteSettings
from videre.extract.pages.fields import select, url_values
from videre.extract.pages.gate import gate_on_page, looks_like_gate
from videre.extract.pages.html import parse_detail, parse_listing, read_fields
from videre.extract.pages.json_api import load_json, parse_api_page, resolve
from videre.extract.pages.record import strip_params

MAX_BYTES = 5_000_000


@dataclass
class Trial:
    """What one page gave: the record(s), each field's raw matches, links, and every warning."""

    url: str
    status: int = 0
    records: list[dict[str, Any]] = field(default_factory=list)
    raw: dict[str, list[str]] = field(default_factory=dict)
    links: list[str] = field(default_factory=list)
    next_url: str | None = None
    warnings: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        records = [{k: v for k, v in r.items() if k != "html"} for r in self.records]
        return {"url": self.url, "status": self.status, "records": records, "raw": self.raw,
                "links": self.links, "next": self.next_url, "warnings": self.warnings}


def _client(settings: Settings, site: SiteSettings) -> Any:
    import httpx

    headers = {"User-Agent": settings.crawl.user_agent, "From": settings.crawl.contact,
               **site.setup.headers}
    return httpx.Client(headers=headers, cookies=dict(site.setup.cookies), follow_redirects=True,
                        timeout=settings.crawl.page_timeout_s)


def _allowed(client: Any, settings: Settings, site: SiteSettings, url: str) -> bool:
    if not obeys_robots(settings, site):
        return True
    parts = urlsplit(url)
    answer = client.get(f"{parts.scheme}://{parts.netloc}/robots.txt")
    parser = RobotFileParser()
    parser.parse(answer.text.splitlines() if answer.status_code == 200 else [])
    return parser.can_fetch(settings.crawl.user_agent, url)


def _fetch_plain(settings: Settings, site: SiteSettings, url: str, trial: Trial) -> tuple[str, Any]:
    client = _client(settings, site)
    if not _allowed(client, settings, site, url):
        raise CrawlError(f"robots.txt of {urlsplit(url).netloc} forbids {url}")
    for step in site.setup.requests:
        target = urljoin(site.start_urls[0], step.url)
        answer = (client.post(target, data=step.form) if step.method == "POST"
                  else client.get(target, params=step.form or None))
        if answer.status_code >= 400:
            trial.warnings.append(f"setup {step.method} {target}: HTTP {answer.status_code}")
    answer = client.get(url)
    trial.status = answer.status_code
    return answer.content[:MAX_BYTES].decode(answer.encoding or "utf-8", "replace"), client


def _fetch_rendered(settings: Settings, site: SiteSettings, url: str, listing: bool,
                    trial: Trial) -> str:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    from crawler.settings import CHROMIUM_ARGS, find_chromium
    from crawler.spiders.browser import playwright_selector

    timeout = settings.crawl.page_timeout_s * 1000
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_chromium(settings.crawl), headless=True,
                                     args=list(CHROMIUM_ARGS))
        try:
            context = browser.new_context(user_agent=settings.crawl.user_agent,
                                          extra_http_headers=dict(site.setup.headers))
            if site.setup.cookies:
                context.add_cookies([{"name": k, "value": v, "url": site.start_urls[0]}
                                     for k, v in site.setup.cookies.items()])
            page = context.new_page()
            for step in site.setup.browser:
                try:
                    if step.goto:
                        page.goto(urljoin(site.start_urls[0], step.goto), timeout=timeout)
                    elif step.click:
                        page.click(playwright_selector(step.click), timeout=step.timeout_ms)
                    else:
                        page.wait_for_selector(playwright_selector(step.wait), timeout=step.timeout_ms)
                except PlaywrightTimeout:
                    trial.warnings.append(f"setup browser step {step.model_dump(exclude_defaults=True)} "
                                          "timed out")
            response = page.goto(url, timeout=timeout)
            trial.status = response.status if response is not None else 0
            wait = (site.listing.cards or site.listing.links) if listing else next(iter(site.fields.values()), "")
            if wait:
                try:
                    page.wait_for_selector(playwright_selector(wait), state="attached", timeout=timeout)
                except PlaywrightTimeout:
                    trial.warnings.append(f"nothing matched {wait!r} after rendering")
            if not listing and site.reveal is not None:
                try:
                    page.click(site.reveal.click, timeout=site.reveal.timeout_ms)
                    page.wait_for_selector(site.reveal.wait_for, state="attached",
                                           timeout=site.reveal.timeout_ms)
                except PlaywrightTimeout:
                    trial.warnings.append(f"reveal: phone did not appear after clicking {site.reveal.click!r}")
            return page.content()
        finally:
            browser.close()


def _api_reveal(client: Any, site: SiteSettings, record: dict[str, Any], trial: Trial) -> None:
    import re

    spec = site.api_reveal
    assert spec is not None
    m = re.search(spec.id_pattern, str(record.get("url", "")))
    if not m:
        trial.warnings.append(f"api_reveal: no ad id in {record.get('url')!r} ({spec.id_pattern!r})")
        return
    api = urljoin(str(record["url"]), spec.url.replace("{id}", quote(m.group(1), safe="")))
    answer = client.get(api, headers={"Accept": "application/json", "X-Requested-With": "XMLHttpRequest"})
    try:
        value = resolve(load_json(answer.content), spec.path)
    except InputError as exc:
        trial.warnings.append(f"api_reveal {api}: {exc}")
        return
    trial.raw[spec.field if spec.field not in site.fields else f"{spec.field} (api)"] = [json.dumps(value, ensure_ascii=False)[:500]]
    if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
        record[spec.field] = str(value).strip()
    else:
        trial.warnings.append(f"api_reveal {api}: no {spec.path!r} in the answer")


def try_page(settings: Settings, site: SiteSettings, url: str, listing: bool = False) -> Trial:
    """Fetch `url` as the crawl would and read it as a listing or a detail page."""
    url = strip_params(url, site.drop_params)
    trial = Trial(url=url)
    client = None
    if site.render:
        with _client(settings, site) as robots_client:
            if not _allowed(robots_client, settings, site, url):
                raise CrawlError(f"robots.txt of {urlsplit(url).netloc} forbids {url}")
        text = _fetch_rendered(settings, site, url, listing, trial)
    else:
        text, client = _fetch_plain(settings, site, url, trial)
    if trial.status >= 400:
        trial.warnings.append(f"HTTP {trial.status}")
    now = datetime.now(timezone.utc)
    if site.kind == "json_api":
        result = parse_api_page(url, text, site, scraped_at=now)
        trial.records, trial.next_url, trial.warnings = result.records, result.next_url, [
            *trial.warnings, *result.problems]
        return trial
    sel = Selector(text=text, base_url=url)
    if gate := gate_on_page(sel, site):
        trial.warnings.append(f"{gate} shown instead of the page: the site's setup did not get past it")
    if listing:
        result = parse_listing(url, text, site, scraped_at=now)
        trial.links, trial.next_url = result.links, result.next_url
        trial.raw["listing.links"] = url_values(sel, site.listing.links) if site.listing.links else []
        trial.raw["listing.next"] = url_values(sel, site.listing.next) if site.listing.next else []
        if site.listing.cards:
            trial.raw["listing.cards"] = [f"{len(select(sel, site.listing.cards))} cards"]
    else:
        result = parse_detail(url, text, site, scraped_at=now)
        trial.raw.update(read_fields(sel, site, url)[0])
    trial.records = result.records
    trial.warnings.extend(result.problems)
    if not result.records and not result.links and (gate := looks_like_gate(sel)):
        trial.warnings.append(f"the page looks like a {gate}: configure the site's setup")
    if client is not None:
        if site.api_reveal is not None and not listing:
            for record in trial.records:
                _api_reveal(client, site, record, trial)
        client.close()
    for name in site.fields:
        if not listing and name != "url" and not any(r.get(name) for r in trial.records):
            trial.warnings.append(f"field {name}: empty ({site.fields[name]!r} matched "
                                  f"{len(trial.raw.get(name, []))} value(s))")
    return trial

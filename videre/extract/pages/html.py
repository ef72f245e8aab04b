"""HTML pages of a site of the listing/detail shape, read with the selectors from config.yaml.

Pure functions: `(url, html, site) -> PageResult`. The same functions read a static page and the
DOM a browser rendered, so saved pages test them both.
"""

from __future__ import annotations

from datetime import datetime, timezone

from parsel import Selector

from videre.extract.pages.fields import select, text_value, url_values
from videre.extract.pages.record import (
    LIST_FIELD, URL_FIELD, PageResult, absolute_url, absolute_urls, has_content, make_record,
)
from videre.core.config import SiteSettings

MAX_LINKS = 500
MAX_CARDS = 500


def _found(sel: Selector, site: SiteSettings) -> dict[str, str | list[str]]:
    return {
        name: url_values(sel, selector) if name in (URL_FIELD, LIST_FIELD) else text_value(sel, selector)
        for name, selector in site.fields.items()
    }


def parse_listing(url: str, html: str, site: SiteSettings, *,
                  scraped_at: datetime | None = None) -> PageResult:
    """Detail links and the next page of a listing; for a cards site, the ads themselves."""
    sel = Selector(text=html, base_url=url)
    listing = site.listing
    next_url = None
    if listing.next:
        candidates = absolute_urls(url, url_values(sel, listing.next), 1)
        next_url = candidates[0] if candidates and candidates[0] != url else None
    if listing.cards:
        cards = _parse_cards(url, sel, site, scraped_at or datetime.now(timezone.utc))
        return PageResult(records=cards.records, next_url=next_url, problems=cards.problems)
    links = absolute_urls(url, url_values(sel, listing.links), MAX_LINKS) if listing.links else []
    return PageResult(links=links, next_url=next_url)


def _parse_cards(url: str, sel: Selector, site: SiteSettings, scraped_at: datetime) -> PageResult:
    records, problems = [], []
    for n, card in enumerate(select(sel, site.listing.cards)[:MAX_CARDS], start=1):
        found = _found(card, site)
        hrefs = found.get(URL_FIELD) or []
        ad_url = absolute_url(url, hrefs[0]) if hrefs else None
        if ad_url is None:
            problems.append(f"card {n} has no usable url")
            continue
        record, bad = make_record(url=ad_url, site=site, scraped_at=scraped_at, found=found,
                                  html=card.get(), base_url=url)
        problems.extend(bad)
        if has_content(record, site):
            records.append(record)
        else:
            problems.append(f"card {n} matched none of the configured fields")
    return PageResult(records=records, problems=problems)


def parse_detail(url: str, html: str, site: SiteSettings, *,
                 scraped_at: datetime | None = None) -> PageResult:
    """One ad from its detail page; no record, and a problem, when no configured field matched."""
    sel = Selector(text=html, base_url=url)
    found = _found(sel, site)
    hrefs = found.get(URL_FIELD) or []
    canonical = (absolute_url(url, hrefs[0]) if hrefs else None) or url
    record, problems = make_record(url=canonical, site=site,
                                   scraped_at=scraped_at or datetime.now(timezone.utc),
                                   found=found, html=html)
    if not has_content(record, site):
        return PageResult(problems=[*problems, "no configured field matched (layout changed?)"])
    return PageResult(records=[record], problems=problems)

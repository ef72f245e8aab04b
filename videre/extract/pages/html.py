"""HTML pages of a site of the listing/detail shape, read with the selectors from config.yaml.

Pure functions: `(url, html, site) -> PageResult`. The same functions read a static page and the
DOM a browser rendered, so saved pages test them both.
"""

from __future__ import annotations

from datetime import datetime, timezone

from parsel import Selector

from videre.core.site_config import SiteSettings
from videre.extract.pages.fields import select, url_values, values
from videre.extract.pages.post import apply_post, joined
from videre.extract.pages.record import (
    LIST_FIELD,
    URL_FIELD,
    PageResult,
    absolute_url,
    absolute_urls,
    has_content,
    make_record,
    strip_params,
)

MAX_LINKS = 500
MAX_CARDS = 500


def read_fields(sel: Selector, site: SiteSettings, base_url: str
                ) -> tuple[dict[str, list[str]], dict[str, str | list[str]]]:
    """Each field's raw matches, and its value after the field's post-processing."""
    raw: dict[str, list[str]] = {}
    found: dict[str, str | list[str]] = {}
    for name, selector in site.fields.items():
        is_url = name in (URL_FIELD, LIST_FIELD)
        raw[name] = url_values(sel, selector) if is_url else values(sel, selector)
        post = site.post.get(name)
        kept = apply_post(raw[name], post, base_url)
        found[name] = kept if is_url else joined(kept, post)
    return raw, found


def _found(sel: Selector, site: SiteSettings, base_url: str) -> dict[str, str | list[str]]:
    return read_fields(sel, site, base_url)[1]


def parse_listing(url: str, html: str, site: SiteSettings, *,
                  scraped_at: datetime | None = None) -> PageResult:
    """Detail links and the next page of a listing; for a cards site, the ads themselves."""
    sel = Selector(text=html, base_url=url)
    listing = site.listing
    next_url = None
    if listing.next:
        candidates = absolute_urls(url, url_values(sel, listing.next), 1)
        next_url = strip_params(candidates[0], site.drop_params) if candidates else None
        next_url = next_url if next_url != url else None
    if listing.cards:
        cards = _parse_cards(url, sel, site, scraped_at or datetime.now(timezone.utc))
        return PageResult(records=cards.records, next_url=next_url, problems=cards.problems)
    hrefs = url_values(sel, listing.links) if listing.links else []
    links = list(dict.fromkeys(strip_params(u, site.drop_params)
                               for u in absolute_urls(url, hrefs, MAX_LINKS)))
    return PageResult(links=links, next_url=next_url)


def _parse_cards(url: str, sel: Selector, site: SiteSettings, scraped_at: datetime) -> PageResult:
    records, problems = [], []
    for n, card in enumerate(select(sel, site.listing.cards)[:MAX_CARDS], start=1):
        found = _found(card, site, url)
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
    found = _found(sel, site, url)
    hrefs = found.get(URL_FIELD) or []
    canonical = (absolute_url(url, hrefs[0]) if hrefs else None) or url
    record, problems = make_record(url=canonical, site=site,
                                   scraped_at=scraped_at or datetime.now(timezone.utc),
                                   found=found, html=html)
    if not has_content(record, site):
        return PageResult(problems=[*problems, "no configured field matched (layout changed?)"])
    return PageResult(records=[record], problems=problems)

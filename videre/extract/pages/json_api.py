"""Pages of a JSON API that lists ads, read with the dotted paths from config.yaml.

`listing.cards` is the path to the list of ads (empty: the document is the list), `listing.next`
the path to the next page's URL, and each field a path inside one ad (`contact.phone`,
`photos.*.url`). The record's `html` is the ad's own JSON object, serialised.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from videre.core.errors import InputError
from videre.core.site_config import SiteSettings
from videre.extract.pages.post import apply_post, joined
from videre.extract.pages.record import (
    LIST_FIELD,
    URL_FIELD,
    PageResult,
    absolute_url,
    has_content,
    make_record,
)

MAX_ADS = 500
_MISSING = object()


def resolve(obj: Any, path: str) -> Any:
    """The value at a dotted path; `*` fans out over a list. Missing parts give None."""
    current: list[Any] = [obj]
    fanned = False
    for part in (p for p in path.split(".") if p):
        step: list[Any] = []
        for value in current:
            if part == "*":
                fanned = True
                if isinstance(value, list):
                    step.extend(value)
            elif isinstance(value, Mapping):
                step.append(value.get(part, _MISSING))
            elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
                step.append(value[int(part)])
        current = [v for v in step if v is not _MISSING]
    if fanned:
        return current
    return current[0] if current else None


def _as_text(value: Any, name: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "\n".join(v.strip() for v in value if v.strip())
    raise InputError(f"field {name} is a {type(value).__name__}, not text")


def _as_urls(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def load_json(text: str | bytes) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise InputError(f"not JSON: {str(exc)[:120]}") from None


def parse_api_page(url: str, text: str | bytes, site: SiteSettings, *,
                   scraped_at: datetime | None = None) -> PageResult:
    """Every ad on one page of the API, and the next page's URL."""
    doc = load_json(text)
    ads = resolve(doc, site.listing.cards) if site.listing.cards else doc
    if not isinstance(ads, list):
        raise InputError(f"{site.listing.cards or 'document'} is not a list of ads")
    scraped_at = scraped_at or datetime.now(timezone.utc)
    records: list[dict[str, Any]] = []
    problems: list[str] = []
    for n, ad in enumerate(ads[:MAX_ADS], start=1):
        try:
            record = _ad_record(url, ad, site, scraped_at, problems)
        except InputError as exc:
            problems.append(f"ad {n}: {exc}")
            continue
        if has_content(record, site):
            records.append(record)
        else:
            problems.append(f"ad {n} matched none of the configured fields")
    if len(ads) > MAX_ADS:
        problems.append(f"{len(ads)} ads on one page, only the first {MAX_ADS} read")
    next_url = None
    if site.listing.next:
        href = resolve(doc, site.listing.next)
        next_url = absolute_url(url, href) if isinstance(href, str) else None
    return PageResult(records=records, next_url=next_url if next_url != url else None,
                      problems=problems)


def _ad_record(url: str, ad: Any, site: SiteSettings, scraped_at: datetime,
               problems: list[str]) -> dict[str, Any]:
    if not isinstance(ad, Mapping):
        raise InputError(f"is a {type(ad).__name__}, not an object")
    found: dict[str, str | list[str]] = {}
    for name, path in site.fields.items():
        value = resolve(ad, path)
        post = site.post.get(name)
        if name in (URL_FIELD, LIST_FIELD):
            found[name] = apply_post(_as_urls(value), post, url)
        else:
            found[name] = joined(apply_post([_as_text(value, name)], post, url), post)
    hrefs = found.get(URL_FIELD) or []
    ad_url = absolute_url(url, hrefs[0]) if hrefs else None
    if ad_url is None:
        raise InputError("has no usable url")
    record, bad = make_record(url=ad_url, site=site, scraped_at=scraped_at, found=found,
                              html=json.dumps(ad, ensure_ascii=False), base_url=url)
    problems.extend(bad)
    return record

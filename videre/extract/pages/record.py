"""Turn the raw values a page gave for each configured field into an ad record (docs/record.md)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from fnmatch import fnmatchcase
from typing import Any
from urllib.parse import parse_qsl, urldefrag, urlencode, urljoin, urlsplit, urlunsplit

from videre.core.errors import InputError
from videre.core.site_config import SiteSettings
from videre.extract.pages.times import parse_site_time
from videre.extract.records import MAX_IMAGES, MAX_URL_CHARS

# Fields with a meaning of their own; every other configured field is text, kept under its name.
URL_FIELD = "url"
TIME_FIELD = "posted_at"
LIST_FIELD = "images"


@dataclass(frozen=True)
class PageResult:
    """What one page gave: ad records, detail pages to visit, the next listing page, and problems."""

    records: list[dict[str, Any]] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    next_url: str | None = None
    problems: list[str] = field(default_factory=list)


def absolute_url(base: str, href: str) -> str | None:
    """`href` resolved against `base`, without fragment; None unless it is a usable http(s) URL."""
    href = href.strip()
    if not href or len(href) > MAX_URL_CHARS:
        return None
    url, _ = urldefrag(urljoin(base, href))
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return url


def strip_params(url: str, patterns: Sequence[str]) -> str:
    """`url` without the query parameters whose names match one of the glob `patterns`."""
    if not patterns or "?" not in url:
        return url
    parts = urlsplit(url)
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not any(fnmatchcase(k, p) for p in patterns)]
    return urlunsplit(parts._replace(query=urlencode(kept)))


def absolute_urls(base: str, hrefs: Iterable[str], limit: int) -> list[str]:
    """Resolved, de-duplicated in order, at most `limit`."""
    seen: dict[str, None] = {}
    for href in hrefs:
        url = absolute_url(base, href)
        if url is not None:
            seen.setdefault(url, None)
            if len(seen) >= limit:
                break
    return list(seen)


def make_record(*, url: str, site: SiteSettings, scraped_at: datetime,
                found: Mapping[str, str | list[str]], html: str,
                base_url: str | None = None) -> tuple[dict[str, Any], list[str]]:
    """Build the record from field values as found on the page; return it with any problems.

    A value that cannot be used (a time that cannot be read) is dropped and reported, so one odd
    field never costs the whole ad.
    """
    base = base_url or url
    problems: list[str] = []
    record: dict[str, Any] = {"url": url, "site": site.slug, "scraped_at": scraped_at.isoformat()}
    if site.region:
        record["region"] = site.region
    for name, value in found.items():
        if name == URL_FIELD:
            continue
        if name == LIST_FIELD:
            hrefs = [value] if isinstance(value, str) else value
            record[name] = absolute_urls(base, hrefs, MAX_IMAGES)
        elif name == TIME_FIELD:
            text = value if isinstance(value, str) else (value[0] if value else "")
            try:
                posted = parse_site_time(text, fetched_at=scraped_at, tz=site.timezone,
                                         languages=site.date_languages)
            except InputError as exc:
                problems.append(f"ad {url}: {exc}")
                continue
            if posted is not None:
                record[name] = posted.isoformat()
        else:
            record[name] = value if isinstance(value, str) else "\n".join(value)
    record.setdefault(LIST_FIELD, [])
    record["html"] = html
    return record, problems


def has_content(record: Mapping[str, Any], site: SiteSettings) -> bool:
    """True when at least one configured text field matched: otherwise the layout has changed."""
    return any(record.get(name) for name in site.fields
               if name not in (URL_FIELD, TIME_FIELD, LIST_FIELD))

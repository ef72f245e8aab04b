"""The ad record (docs/record.md) and the photos fetched for it.

Spiders yield plain dicts in this shape; `parse_record` is the single gate every record passes,
whether it comes from a crawl, a JSONL import or an archive.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from videre.core.errors import InputError
from videre.extract.pages.times import parse_iso

TEXT_FIELDS = ("title", "body", "name", "age", "location", "phone")
# Bounds on hostile input: a field longer than this is cut, not trusted.
MAX_FIELD_CHARS = {"title": 2_000, "body": 100_000, "name": 500, "age": 200, "location": 500,
                   "phone": 500}
MAX_URL_CHARS = 2048
MAX_IMAGES = 50
MAX_HTML_CHARS = 5_000_000
# Times an ad can carry: nothing was posted online before 1990, nor after 2199.
MIN_TIME = datetime(1990, 1, 1, tzinfo=timezone.utc)
MAX_TIME = datetime(2199, 12, 31, tzinfo=timezone.utc)


@dataclass(frozen=True)
class AdRecord:
    url: str
    site: str
    scraped_at: datetime
    posted_at: datetime | None = None
    title: str = ""
    body: str = ""
    name: str = ""
    age: str = ""
    location: str = ""
    phone: str = ""
    region: str | None = None
    images: tuple[str, ...] = ()
    html: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def content(self) -> dict[str, Any]:
        """The fields whose change makes a new version of the ad."""
        return {
            "title": self.title, "body": self.body, "name": self.name, "age": self.age,
            "location": self.location, "phone": self.phone, "region": self.region,
            "images": list(self.images),
            "posted_at": self.posted_at.isoformat() if self.posted_at else None,
        }


@dataclass(frozen=True)
class FetchedPhoto:
    """A photo as fetched: bytes, or the reason it could not be had."""

    url: str
    data: bytes | None = None
    content_type: str | None = None
    error: str | None = None


def parse_time(value: Any, key: str) -> datetime | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InputError(f"{key} must be an ISO 8601 string, got {type(value).__name__}")
    try:
        # A time without a zone is taken as UTC rather than rejected: records often omit it.
        utc = parse_iso(value)
    except OverflowError:  # 0001-01-01T00:00:00+14:00 has no UTC time at all
        raise InputError(f"{key} is out of range: {value[:40]!r}") from None
    if utc is None:
        raise InputError(f"{key} is not an ISO 8601 time: {value[:40]!r}")
    if not MIN_TIME <= utc <= MAX_TIME:
        raise InputError(f"{key} is out of range ({MIN_TIME.year}-{MAX_TIME.year}): {value[:40]!r}")
    return utc


def check_region(value: Any) -> str | None:
    """A record's own `region`: absent, or an ISO 3166 alpha-2 code (returned upper-cased)."""
    if value is None:
        return None
    code = value.strip() if isinstance(value, str) else ""
    if not (len(code) == 2 and code.isascii() and code.isalpha()):
        raise InputError(f"'region' must be a two-letter country code, got {str(value)[:20]!r}")
    return code.upper()


# What `videre extract` reads from a line that need not be a whole ad record (docs/cli.md).
EXTRACT_STRING_KEYS = ("title", "body", "text", "phone", "name", "location", "url", "html")


def check_extract_input(obj: Mapping[str, Any]) -> str | None:
    """The types of the keys extraction reads; returns the line's own region, if it has one."""
    for key in EXTRACT_STRING_KEYS:
        value = obj.get(key)
        if value is not None and not isinstance(value, str):
            raise InputError(f"{key!r} must be a string, got {type(value).__name__}")
    age = obj.get("age")
    if age is not None and (isinstance(age, bool) or not isinstance(age, (str, int))):
        raise InputError(f"'age' must be a string or a whole number, got {type(age).__name__}")
    return check_region(obj.get("region"))


def _text(obj: Mapping[str, Any], key: str) -> str:
    value = obj.get(key)
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and key in ("age", "phone"):
        value = str(value)
    if not isinstance(value, str):
        raise InputError(f"{key} must be a string, got {type(value).__name__}")
    return value[: MAX_FIELD_CHARS[key]]


def parse_record(obj: Any, now: datetime | None = None) -> AdRecord:
    """Validate one decoded JSON value as an ad record, or raise InputError naming the problem."""
    if not isinstance(obj, dict):
        raise InputError(f"record must be a JSON object, got {type(obj).__name__}")
    url, site = obj.get("url"), obj.get("site")
    if not isinstance(url, str) or not url.strip():
        raise InputError("missing url (a non-empty string)")
    if len(url) > MAX_URL_CHARS:
        raise InputError(f"url longer than {MAX_URL_CHARS} characters")
    if not isinstance(site, str) or not site.strip():
        raise InputError("missing site (a non-empty string)")
    region = check_region(obj.get("region"))
    images = obj.get("images") or []
    if not isinstance(images, list) or not all(isinstance(i, str) for i in images):
        raise InputError("images must be a list of strings")
    html = obj.get("html")
    if html is not None and not isinstance(html, str):
        raise InputError(f"html must be a string, got {type(html).__name__}")
    known = {"url", "site", "scraped_at", "posted_at", "region", "images", "html", *TEXT_FIELDS}
    return AdRecord(
        url=url.strip(),
        site=site.strip(),
        scraped_at=parse_time(obj.get("scraped_at"), "scraped_at") or now or datetime.now(timezone.utc),
        posted_at=parse_time(obj.get("posted_at"), "posted_at"),
        region=region,
        images=tuple(i[:MAX_URL_CHARS] for i in images[:MAX_IMAGES]),
        html=html[:MAX_HTML_CHARS] if html else None,
        extra={k: v for k, v in obj.items() if k not in known},
        **{k: _text(obj, k) for k in TEXT_FIELDS},
    )

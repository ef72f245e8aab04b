"""The one time parser: a time as a site shows it -> an aware UTC datetime.

ISO 8601 is the fast path. Anything else ("igår 21:14", "för 2 timmar sedan", "3 nov 2026 14:05",
"yesterday") goes to dateparser in the site's `date_languages`, read against the time the page was
fetched, in the site's `timezone` (docs/sites.md, "Dates"). A time without a zone is the site's
local time, never UTC.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from videre.core.errors import InputError

DEFAULT_TIMEZONE = "Europe/Stockholm"
DEFAULT_LANGUAGES = ("sv", "en")
MAX_TIME_CHARS = 120
# A posted time this far after the fetch is a misreading (a year taken for a day), not the future.
FUTURE_SLACK_S = 36 * 3600

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?")
# Words around a time that dateparser does not know and that carry no meaning for it.
_NOISE = re.compile(r"\b(kl\.?|klockan|publicerad|uppdaterad|posted|upplagd|at|den):?(?=\s|$)",
                    re.IGNORECASE)
# Phrases dateparser lacks for Swedish, said in words it has.
_PHRASES = ((re.compile(r"\bi\s*förrgår\b", re.IGNORECASE), "för 2 dagar sedan"),
            (re.compile(r"\bförrgår\b", re.IGNORECASE), "för 2 dagar sedan"),
            (re.compile(r"\bi\s*går\b", re.IGNORECASE), "igår"),
            (re.compile(r"\bi\s*dag\b", re.IGNORECASE), "idag"))


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def as_utc(local: datetime, tz: str) -> datetime:
    """A wall-clock time in zone `tz` (or an aware one) as aware UTC."""
    if local.tzinfo is None:
        local = local.replace(tzinfo=zone(tz))
    return local.astimezone(timezone.utc)


def parse_iso(text: str, tz: str = "UTC") -> datetime | None:
    """ISO 8601 -> aware UTC (a time without a zone is in `tz`); None when it is not ISO."""
    value = text.strip()
    if not _ISO.fullmatch(value):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return as_utc(parsed, tz)


def _clean(text: str) -> str:
    value = " ".join(text.split())[:MAX_TIME_CHARS]
    for phrase, words in _PHRASES:
        value = phrase.sub(words, value)
    value = _NOISE.sub(" ", value)
    return " ".join(value.replace(",", " ").split())


def parse_site_time(text: str, *, fetched_at: datetime, tz: str = DEFAULT_TIMEZONE,
                    languages: Sequence[str] = DEFAULT_LANGUAGES) -> datetime | None:
    """The time a site shows, as aware UTC; None for empty text; InputError when unreadable."""
    if not text or not text.strip():
        return None
    if (iso := parse_iso(text, tz)) is not None:
        return iso
    import dateparser  # slow to import; only sites that show words need it

    base = as_utc(fetched_at, "UTC") if fetched_at.tzinfo else as_utc(fetched_at, tz)
    local_base = base.astimezone(zone(tz)).replace(tzinfo=None)
    cleaned = _clean(text)
    parsed = dateparser.parse(cleaned, languages=list(languages), settings={
        "RELATIVE_BASE": local_base, "PREFER_DATES_FROM": "past", "DATE_ORDER": "DMY",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }) if cleaned else None
    if parsed is None:
        raise InputError(f"not a time in {'/'.join(languages)}: {text.strip()[:40]!r}")
    # Sites show minutes at most: seconds here would only be the fetch time's, and would make the
    # ad look changed at every crawl.
    result = as_utc(parsed.replace(second=0, microsecond=0), tz)
    if (result - base).total_seconds() > FUTURE_SLACK_S:
        raise InputError(f"time {text.strip()[:40]!r} reads as {result.isoformat()}, after the fetch")
    return result

"""Extraction through a bounded memo, for the commands that read many ads: `videre extract`,
`videre import` and archive replay.

Sites re-post the same ad over and over (a seller's bumped ads are identical), and extraction is
a pure function of the fields it reads and the region, so an ad read before is not read again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache, lru_cache
from typing import Any

from videre.extract.normalise.extract import Extraction, extract

# What extraction reads of a record (besides the region): the key of the memo.
READ_KEYS = ("title", "body", "text", "phone", "html", "location", "name", "age")
MEMO_SIZE = 2048          # records
MEMO_MAX_CHARS = 8_000    # longer records are read directly: the memo stays a few megabytes


def memoised(max_chars: int) -> Callable[[Mapping[str, Any], str], Extraction]:
    """`extract(record, region, max_chars=max_chars)` through a memo of its own."""
    @lru_cache(maxsize=MEMO_SIZE)
    def cached(region: str, values: tuple[Any, ...]) -> Extraction:
        return extract(dict(zip(READ_KEYS, values)), region, max_chars=max_chars)

    def read(record: Mapping[str, Any], region: str) -> Extraction:
        values = tuple(map(record.get, READ_KEYS))
        if sum(len(v) for v in values if isinstance(v, str)) > MEMO_MAX_CHARS:
            return extract(record, region, max_chars=max_chars)
        return cached(region, values)

    return read


# A made-up ad that goes through every reader: numbers plain, in words and in the phone field,
# a place, a name, an age and wording the indicators and languages look for.
_WARM_AD = {"title": "Ny i stan! Anna 25", "body": "Ring 070-123 45 67 eller sms noll sju noll ett två "
            "tre fyra fem sex sju. Incall Göteborg, new in town, real photos.", "location": "Göteborg",
            "name": "Anna", "age": "25", "phone": "+46 70 123 45 67"}


def warm(region: str) -> None:
    """Build, in this process, what extraction builds on first use (the phrase index, the
    gazetteer, phonenumbers' metadata for `region`, the readers' caches): a command calls it
    before it forks worker processes, which then inherit it instead of each building it again
    (about 0.05 s CPU a worker; bench/README.md, "Import"). Leaves the memos empty."""
    extract(_WARM_AD, region)


@cache
def shared_memo(max_chars: int) -> Callable[[Mapping[str, Any], str], Extraction]:
    """One memo per process and text limit, for code that extracts ads one at a time."""
    return memoised(max_chars)

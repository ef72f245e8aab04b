"""Field post-processing from config.yaml: what happens to a field's raw matches before it is stored.

In order: `srcset` (largest candidate), `pattern` (keep the group), `absolute` (resolve links),
then `first` or `join`. Pure functions; see docs/sites.md, "Post-processing".
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urldefrag, urljoin

from videre.core.site_config import FieldPost

# An HTML srcset candidate: a URL, then optionally a width ("640w") or density ("2x").
_CANDIDATE = re.compile(r"^\s*(\S+?)(?:\s+(\d+(?:\.\d+)?)([wx]))?\s*$")
MAX_VALUE_CHARS = 100_000


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.DOTALL)


def largest_candidate(srcset: str) -> str:
    """The URL of the widest (or densest) candidate of a srcset; the first on a tie."""
    best, best_size = "", -1.0
    for part in srcset.split(","):
        m = _CANDIDATE.match(part)
        if not m or not m.group(1):
            continue
        size = float(m.group(2)) if m.group(2) else 1.0
        if size > best_size:
            best, best_size = m.group(1), size
    return best


def apply_post(values: list[str], post: FieldPost | None, base_url: str) -> list[str]:
    """The values a field keeps after its post-processing (before `first`/`join`)."""
    if post is None:
        return values
    out: list[str] = []
    for value in values:
        value = value[:MAX_VALUE_CHARS]
        if post.srcset:
            value = largest_candidate(value)
        if post.pattern:
            m = _compiled(post.pattern).search(value)
            value = (m.group(1) or "").strip() if m else ""
        if post.absolute and value:
            value = urldefrag(urljoin(base_url, value))[0]
        if value:
            out.append(value)
    if post.first:
        out = out[:1]
    return out


def joined(values: list[str], post: FieldPost | None) -> str:
    """A text field's values as one string: joined by `join`, by default one a line."""
    sep = post.join if post is not None and post.join is not None else "\n"
    return sep.join(values)

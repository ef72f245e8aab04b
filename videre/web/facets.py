"""The queue's filter index: one row per (kind, value, item) for cities, sites, reasons, phones and words.

Re-scoring rewrites every queue item's score and summary. Filtering those summaries (JSON) or the
ads table directly would scan hundreds of thousands of rows per page at 1M ads, so the filterable
values are copied into `queue_facets`, an index-only lookup. `refresh_queue_index` brings it up to
date: it visits the items re-scored since the last refresh and rebuilds only those whose content
changed. The web UI calls it when it sees a newer re-score; the nightly job may call it too.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import phonenumbers
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from models.ads import Ad, Site
from models.review import QueueFacet, QueueItem

BATCH = 1000
MAX_VALUE = 200
MAX_WORDS = 300
TITLES_PER_ITEM = 40
WORD = re.compile(r"\w{2,40}")


def fold(text: str) -> str:
    return " ".join(text.casefold().split())


def words(texts: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for text in texts:
        for w in WORD.findall(fold(text)):
            seen.setdefault(w, None)
            if len(seen) >= MAX_WORDS:
                return list(seen)
    return list(seen)


def phone_words(e164: str) -> list[str]:
    """Digit strings an analyst may type for a number: national (0701740605) and international."""
    out = [e164.lstrip("+")]
    try:
        n = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return out
    national = phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.NATIONAL)
    out.append(re.sub(r"\D", "", national))
    return out


# The digest of an item below the threshold: it has no facets, whatever its content.
UNFLAGGED = "-"


def digest(summary: dict[str, Any], reasons: list[Any]) -> str:
    blob = json.dumps([summary, reasons], sort_keys=True, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def item_facets(summary: dict[str, Any], reasons: list[Any], sites: Sequence[str],
                titles: Sequence[str]) -> set[tuple[str, str]]:
    phones = [p for p in summary.get("phones", []) if isinstance(p, str)]
    cities = [c for c in summary.get("cities", []) if isinstance(c, str)]
    names = [n for n in summary.get("names", []) if isinstance(n, str)]
    out: set[tuple[str, str]] = set()
    out.update(("city", c[:MAX_VALUE]) for c in cities)
    out.update(("site", s[:MAX_VALUE]) for s in sites)
    out.update(("phone", p[:MAX_VALUE]) for p in phones)
    out.update(("reason", str(r.get("code", ""))[:MAX_VALUE]) for r in reasons if isinstance(r, dict))
    digits = [d for p in phones for d in phone_words(p)]
    out.update(("word", w) for w in words([*names, *cities, *sites, *titles]) + digits)
    return out


def index_stale(session: Session) -> bool:
    # Two scalar subqueries, not one SELECT with two aggregates: only a lone max() is answered
    # from its index (SQLite's min/max optimisation); together they scan the whole table.
    scored, indexed = session.execute(select(select(func.max(QueueItem.scored_at)).scalar_subquery(),
                                             select(func.max(QueueItem.indexed_at)).scalar_subquery())).one()
    return scored is not None and (indexed is None or scored > indexed)


def _ad_texts(session: Session, cluster_ids: list[int]) -> tuple[dict[int, set[str]], dict[int, list[str]]]:
    sites: dict[int, set[str]] = defaultdict(set)
    titles: dict[int, list[str]] = defaultdict(list)
    rows = session.execute(
        select(Ad.cluster_id, Site.slug, Ad.title).join(Site, Site.id == Ad.site_id)
        .where(Ad.cluster_id.in_(cluster_ids)).order_by(Ad.cluster_id, Ad.id))
    for cid, slug, title in rows:
        sites[cid].add(slug)
        if len(titles[cid]) < TITLES_PER_ITEM and title:
            titles[cid].append(title[:300])
    return sites, titles


def _stale_rows(session: Session, marker: Any) -> list[Any]:
    q = select(QueueItem.id, QueueItem.flagged, QueueItem.index_digest).order_by(QueueItem.id)
    return list(session.execute(q if marker is None else q.where(QueueItem.scored_at > marker)))


def refresh_queue_index(session: Session) -> int:
    """Bring the facets up to date with the latest re-score; returns the number of items rebuilt.

    Cheap when little changed: items that were and stay below the threshold are not read at all,
    the others' content is compared by digest, and the marks are one set-based UPDATE.
    """
    marker = session.execute(select(func.max(QueueItem.indexed_at))).scalar()
    todo = [item_id for item_id, flagged, old in _stale_rows(session, marker) if flagged or old != UNFLAGGED]
    rebuilt = 0
    for start in range(0, len(todo), BATCH):
        rebuilt += _refresh_batch(session, todo[start:start + BATCH])
    mark = update(QueueItem).values(indexed_at=QueueItem.scored_at).execution_options(synchronize_session=False)
    session.execute(mark if marker is None else mark.where(QueueItem.scored_at > marker))
    return rebuilt


def _refresh_batch(session: Session, item_ids: list[int]) -> int:
    rows = session.execute(select(QueueItem.id, QueueItem.cluster_id, QueueItem.flagged, QueueItem.summary,
                                  QueueItem.reasons, QueueItem.index_digest).where(QueueItem.id.in_(item_ids)))
    digests: list[dict[str, Any]] = []
    changed: list[tuple[int, int, bool, dict[str, Any], list[Any]]] = []
    for item_id, cluster_id, flagged, summary, reasons, old in rows:
        new = digest(summary or {}, reasons or []) if flagged else UNFLAGGED
        if new != old:
            digests.append({"id": item_id, "index_digest": new})
            changed.append((item_id, cluster_id, flagged, summary or {}, reasons or []))
    if not changed:
        return 0
    session.execute(delete(QueueFacet).where(QueueFacet.item_id.in_([c[0] for c in changed])))
    flagged_rows = [c for c in changed if c[2]]
    sites, titles = _ad_texts(session, [c[1] for c in flagged_rows])
    facets = [{"kind": kind, "value": value, "item_id": item_id}
              for item_id, cid, _, summary, reasons in flagged_rows
              for kind, value in item_facets(summary, reasons, sorted(sites.get(cid, ())), titles.get(cid, []))]
    if facets:
        session.execute(insert(QueueFacet), facets)
    session.execute(update(QueueItem), digests)
    return len(changed)

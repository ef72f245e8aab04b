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
from dataclasses import dataclass, field
from typing import Any

import phonenumbers
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from models.ads import Ad, Site
from models.review import QueueFacet, QueueItem
from videre.extract.normalise.contacts import emails, handles

BATCH = 1000
MAX_VALUE = 200
# Words per item. Measured with bodies (names, cities, sites, titles and distinct bodies of 40 ads):
# demo world at most 66 (median 33), the bench's 1M world at most 257 (median 108), since a group
# writes from one template. 500 keeps every word of such items with room for groups mixing a few
# templates, and still bounds a group of 40 unrelated bodies (2 000+ words) to 500 index rows.
MAX_WORDS = 500
MAX_CONTACTS = 20
TITLES_PER_ITEM = 40
# Bodies are read from the same ads as titles, each only this far: the contact line and the
# hotel or street sit in the first paragraphs, and a pasted novel must not cost more.
MAX_BODY = 2000
WORD = re.compile(r"\w{2,40}")
# What an analyst types for an address or a handle: "lina.k@example.test", "lina.k@", "@lina.k".
CONTACT_TERM = re.compile(r"[\w.+%-]{0,64}@[\w.@-]{0,200}")


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


def contact_words(texts: Iterable[str]) -> list[str]:
    """E-mail addresses (also written "lina (at) example.test") and handle names, each whole.

    WORD splits "lina.k@example.test" into lina, example, test, which half the queue shares
    (think gmail, com); as one value, the address typed in full or in part finds only its item.
    """
    seen: dict[str, None] = {}
    for text in texts:
        found = [*emails(text), *(h.rsplit(":", 1)[-1].lstrip("@") for h in handles(text))]
        for value in found:
            seen.setdefault(fold(value)[:MAX_VALUE], None)
            if len(seen) >= MAX_CONTACTS:
                return list(seen)
    return list(seen)


def query_terms(text: str) -> list[str]:
    """The prefixes a search for `text` looks up: typed addresses and @handles whole, as
    `contact_words` indexes them, and every other word as `words` does."""
    folded = fold(text)
    terms: list[str] = []
    for m in CONTACT_TERM.finditer(folded):
        term = m.group().strip(".-").lstrip("@")
        if WORD.fullmatch(term):
            terms.append(term)
        elif WORD.search(term):
            terms.append(term[:MAX_VALUE])
    return terms + WORD.findall(CONTACT_TERM.sub(" ", folded))


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
                titles: Sequence[str], bodies: Sequence[str] = ()) -> set[tuple[str, str]]:
    phones = [p for p in summary.get("phones", []) if isinstance(p, str)]
    cities = [c for c in summary.get("cities", []) if isinstance(c, str)]
    names = [n for n in summary.get("names", []) if isinstance(n, str)]
    out: set[tuple[str, str]] = set()
    out.update(("city", c[:MAX_VALUE]) for c in cities)
    out.update(("site", s[:MAX_VALUE]) for s in sites)
    out.update(("phone", p[:MAX_VALUE]) for p in phones)
    out.update(("reason", str(r.get("code", ""))[:MAX_VALUE]) for r in reasons if isinstance(r, dict))
    digits = [d for p in phones for d in phone_words(p)]
    # Body words come last, so that the bound never costs a name, a place, a title word or a contact.
    found = dict.fromkeys(words([*names, *cities, *sites, *titles]))
    found.update(dict.fromkeys(contact_words([*titles, *bodies])))
    found.update(dict.fromkeys(words(bodies)))
    out.update(("word", w) for w in [*list(found)[:MAX_WORDS], *digits])
    return out


def index_stale(session: Session) -> bool:
    # Two scalar subqueries, not one SELECT with two aggregates: only a lone max() is answered
    # from its index (SQLite's min/max optimisation); together they scan the whole table.
    scored, indexed = session.execute(select(select(func.max(QueueItem.scored_at)).scalar_subquery(),
                                             select(func.max(QueueItem.indexed_at)).scalar_subquery())).one()
    return scored is not None and (indexed is None or scored > indexed)


@dataclass
class AdTexts:
    """Per cluster: its sites, and the titles and distinct bodies of its first TITLES_PER_ITEM ads."""

    sites: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    titles: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    bodies: dict[int, dict[str, None]] = field(default_factory=lambda: defaultdict(dict))


def _ad_texts(session: Session, cluster_ids: list[int]) -> AdTexts:
    out = AdTexts()
    read: dict[int, int] = defaultdict(int)
    # Cut in the database: a hostile body of megabytes is never carried to Python whole.
    rows = session.execute(
        select(Ad.cluster_id, Site.slug, Ad.title, func.substr(Ad.body, 1, MAX_BODY)).join(Site, Site.id == Ad.site_id)
        .where(Ad.cluster_id.in_(cluster_ids)).order_by(Ad.cluster_id, Ad.id))
    for cid, slug, title, body in rows:
        out.sites[cid].add(slug)
        if read[cid] >= TITLES_PER_ITEM or not (title or body):
            continue
        read[cid] += 1
        if title:
            out.titles[cid].append(title[:300])
        if body:
            out.bodies[cid].setdefault(body[:MAX_BODY], None)
    return out


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
    texts = _ad_texts(session, [c[1] for c in flagged_rows])
    facets = [{"kind": kind, "value": value, "item_id": item_id}
              for item_id, cid, _, summary, reasons in flagged_rows
              for kind, value in item_facets(summary, reasons, sorted(texts.sites.get(cid, ())),
                                             texts.titles.get(cid, []), list(texts.bodies.get(cid, {})))]
    if facets:
        session.execute(insert(QueueFacet), facets)
    session.execute(update(QueueItem), digests)
    return len(changed)

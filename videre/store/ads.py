"""Upsert ads with their versions, phones, place and photos, a batch at a time. Never commits:
the caller owns the unit of work (one transaction per batch; the crawl's batches are small)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from models.ads import Ad, AdVersion, Site
from videre.extract.records import AdRecord
from videre.store.ad_links import AdLinks, insert_missing, link_ads, place_ids, place_key, rows_where_in
from videre.store.bulk_write import write_many
from videre.store.page_memory import remember_pages
from videre.store.photo_rows import PhotoRow
from videre.store.prepared import StoreItem

__all__ = ["PhotoRow", "StoreOutcome", "refresh_ads", "refresh_extraction", "site_ids", "store_ad", "store_ads"]

Status = Literal["new", "changed", "unchanged", "reextracted"]

ADS: Table = Ad.__table__  # type: ignore[assignment]


@dataclass(frozen=True)
class StoreOutcome:
    ad_id: int
    status: Status
    version: int


def site_ids(session: Session, slugs: Sequence[str]) -> dict[str, int]:
    table: Table = Site.__table__  # type: ignore[assignment]
    wanted = list(dict.fromkeys(slugs))
    query = select(table.c.slug, table.c.id)
    ids = dict(rows_where_in(session, query, table.c.slug, wanted))
    missing = [{"slug": s, "name": s} for s in wanted if s not in ids]
    if missing:
        insert_missing(session, table, missing)
        ids = dict(rows_where_in(session, query, table.c.slug, wanted))
    return ids


def _stored(session: Session, urls: Sequence[str], extraction: bool = False) -> dict[str, Any]:
    cols = [ADS.c.id, ADS.c.url, ADS.c.content_hash, ADS.c.version, ADS.c.last_seen]
    query = select(*cols, ADS.c.extraction, ADS.c.region) if extraction else select(*cols)
    return {row.url: row for row in rows_where_in(session, query, ADS.c.url, urls)}


def _extracted(item: StoreItem, places: dict[tuple[str, str], int]) -> dict[str, Any]:
    """The ad's columns that come from its extraction."""
    ex = item.extraction
    key = place_key(ex)
    return {"extraction": item.extraction_document(), "region": item.region,
            "city": key[0] if key else None, "place_id": places[key] if key else None, "age": ex.get("age"),
            "phone_obfuscated": bool(ex.get("phone_obfuscated"))}


def _fields(item: StoreItem, places: dict[tuple[str, str], int]) -> dict[str, Any]:
    r = item.record
    return {"title": r.title, "body": r.body, "name": r.name, "age_raw": r.age,
            "location_raw": r.location, "phone_raw": r.phone, "posted_at": r.posted_at,
            "gone_at": None, **_extracted(item, places)}


def _update_by_id(session: Session, rows: list[dict[str, Any]]) -> None:
    """One executemany UPDATE of ads by id; every row must carry the same keys."""
    write_many(session, update(ADS).where(ADS.c.id == bindparam("b_id")), rows)


def store_ads(session: Session, items: Sequence[StoreItem], now: datetime) -> list[StoreOutcome]:
    """Insert or update the ads keyed by their urls (distinct within the batch); a content change
    makes a new version. Outcomes in the order of `items`."""
    if not items:
        return []
    session.flush()
    assert len({i.record.url for i in items}) == len(items), "one ad per url in a batch"
    stored = _stored(session, [i.record.url for i in items])
    digests = [i.content_digest() for i in items]
    writing = [i for i, d in zip(items, digests)
               if i.record.url not in stored or stored[i.record.url].content_hash != d]
    places = place_ids(session, (i.extraction for i in writing))
    sites = site_ids(session, [i.record.site for i in items if i.record.url not in stored])

    new_rows, changed_rows, seen_rows = [], [], []
    for item, digest in zip(items, digests):
        r = item.record
        row = stored.get(r.url)
        if row is None:
            new_rows.append({"url": r.url, "site_id": sites[r.site], "version": 1, "content_hash": digest,
                             "first_seen": r.scraped_at, "last_seen": r.scraped_at, "changed_at": now,
                             **_fields(item, places)})
        elif row.content_hash == digest:
            seen_rows.append({"b_id": row.id, "last_seen": max(row.last_seen, r.scraped_at), "gone_at": None})
        else:
            changed_rows.append({"b_id": row.id, "version": row.version + 1, "content_hash": digest,
                                 "last_seen": max(row.last_seen, r.scraped_at), "changed_at": now,
                                 **_fields(item, places)})
    if new_rows:
        write_many(session, ADS.insert(), new_rows)
        stored.update(_stored(session, [row["url"] for row in new_rows]))
    _update_by_id(session, changed_rows)
    _update_by_id(session, seen_rows)

    outcomes: list[StoreOutcome] = []
    versions, links = [], []
    fresh = {row["url"] for row in new_rows}
    changed_ids = {row["b_id"]: row["version"] for row in changed_rows}
    for item, digest in zip(items, digests):
        r = item.record
        ad_id = stored[r.url].id
        if r.url in fresh or ad_id in changed_ids:
            version = changed_ids.get(ad_id, 1)
            status: Status = "new" if r.url in fresh else "changed"
            versions.append({"ad_id": ad_id, "version": version, "scraped_at": r.scraped_at,
                             "content_hash": digest, "record": item.record_document()})
            key = place_key(item.extraction)
            links.append(AdLinks(ad_id, item.extraction, places[key] if key else None, item.photos,
                                 fresh=r.url in fresh))
        else:
            version, status = stored[r.url].version, "unchanged"
        outcomes.append(StoreOutcome(ad_id, status, version))
    if versions:
        write_many(session, AdVersion.__table__.insert(), versions)
    link_ads(session, links, now)
    remember_pages(session, [(o.ad_id, i.page) for o, i in zip(outcomes, items) if i.page is not None], now)
    # ORM objects the caller holds for these ads are stale now.
    session.expire_all()
    return outcomes


def store_ad(session: Session, record: AdRecord, extraction: dict[str, Any], photos: list[PhotoRow],
             region: str, now: datetime) -> StoreOutcome:
    """Insert or update the ad keyed by its url; a content change makes a new version."""
    return store_ads(session, [StoreItem(record, extraction, region, photos)], now)[0]


def refresh_ads(session: Session, items: Sequence[StoreItem], now: datetime) -> list[StoreOutcome | None]:
    """Apply new extractions to the stored ads whose current content these records are.

    Archive replay (`videre rescore --archive`): new extraction rules reach old ads without a new
    version, since the content is the same. None for a record no stored ad has with this url
    and content.
    """
    if not items:
        return []
    session.flush()
    stored = _stored(session, [i.record.url for i in items], extraction=True)
    matching = [i for i in items if i.record.url in stored
                and stored[i.record.url].content_hash == i.content_digest()]
    changed = [i for i in matching if stored[i.record.url].extraction != i.extraction
               or stored[i.record.url].region != i.region]
    places = place_ids(session, (i.extraction for i in changed))
    _update_by_id(session, [{"b_id": stored[i.record.url].id, "changed_at": now, **_extracted(i, places)}
                            for i in changed])
    link_ads(session, [AdLinks(stored[i.record.url].id, i.extraction,
                               places[k] if (k := place_key(i.extraction)) else None, (), fresh=False)
                       for i in changed], now)
    redone = {id(i) for i in changed}
    ok = {id(i) for i in matching}
    session.expire_all()
    return [StoreOutcome(stored[i.record.url].id, "reextracted" if id(i) in redone else "unchanged",
                         stored[i.record.url].version) if id(i) in ok else None for i in items]


def refresh_extraction(session: Session, record: AdRecord, extraction: dict[str, Any], region: str,
                       now: datetime) -> StoreOutcome | None:
    """One record's `refresh_ads`."""
    return refresh_ads(session, [StoreItem(record, extraction, region)], now)[0]

"""Upsert one ad with its versions, phones, place and photos. Never commits: the caller owns the unit of work."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Table, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from videre.extract.records import AdRecord
from models.ads import Ad, AdVersion, Site
from models.entities import AdPhone, AdPhoto, AdPlace, Phone, Photo, Place

Status = Literal["new", "changed", "unchanged", "reextracted"]


@dataclass(frozen=True)
class PhotoRow:
    """A processed photo ready to store: hashes and thumbnail, never the picture unless asked."""

    url: str
    sha256: str
    width: int
    height: int
    fingerprint: bytes
    thumbnail: bytes | None
    original_path: str | None = None


@dataclass(frozen=True)
class StoreOutcome:
    ad_id: int
    status: Status
    version: int


def content_hash(record: AdRecord) -> str:
    blob = json.dumps(record.content(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def ensure_row(session: Session, table: Table, key: dict[str, Any], extra: dict[str, Any] | None = None) -> int:
    """Id of the row with these key values, inserting it if missing.

    INSERT .. ON CONFLICT DO NOTHING keeps concurrent crawls of several sites from colliding on
    a shared phone or photo.
    """
    values = {**key, **(extra or {})}
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        stmt: Any = postgresql.insert(table).values(values).on_conflict_do_nothing()
    elif dialect == "sqlite":
        stmt = sqlite.insert(table).values(values).on_conflict_do_nothing()
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise NotImplementedError(dialect)
    session.execute(stmt)
    where = [table.c[k] == v for k, v in key.items()]
    return session.execute(select(table.c.id).where(*where)).scalar_one()


def site_id(session: Session, slug: str, name: str = "") -> int:
    return ensure_row(session, Site.__table__, {"slug": slug}, {"name": name or slug})


def _apply_fields(ad: Ad, record: AdRecord, extraction: dict[str, Any], region: str) -> None:
    ad.title, ad.body, ad.name = record.title, record.body, record.name
    ad.age_raw, ad.location_raw, ad.phone_raw = record.age, record.location, record.phone
    ad.posted_at = record.posted_at
    ad.region = region
    ad.extraction = extraction


def _link_entities(session: Session, ad: Ad, extraction: dict[str, Any], photos: list[PhotoRow],
                   now: datetime) -> None:
    session.execute(delete(AdPhone).where(AdPhone.ad_id == ad.id))
    for hit in extraction.get("phones", []):
        pid = ensure_row(session, Phone.__table__, {"e164": hit["e164"]},
                         {"country": hit.get("country", ""), "first_seen": now,
                          "is_hub": False, "hub_reason": ""})
        session.add(AdPhone(ad_id=ad.id, phone_id=pid, raw=hit.get("raw", "")[:500],
                            field=hit.get("field", ""), obfuscation=list(hit.get("methods", []))))

    location = extraction.get("location")
    ad.city = location["city"] if location else None
    ad.place_id = None
    if location:
        ad.place_id = ensure_row(session, Place.__table__,
                                 {"name": location["city"], "country": location.get("country") or "SE"},
                                 {"lat": location.get("lat"), "lon": location.get("lon")})
        existing = session.get(AdPlace, (ad.id, ad.place_id))
        if existing is None:
            session.add(AdPlace(ad_id=ad.id, place_id=ad.place_id, raw=location.get("raw", "")[:500],
                                first_seen=now, last_seen=now))
        else:
            existing.last_seen = now
    ad.age = extraction.get("age")
    ad.phone_obfuscated = bool(extraction.get("phone_obfuscated"))

    if photos:
        session.execute(delete(AdPhoto).where(AdPhoto.ad_id == ad.id))
        seen: set[int] = set()
        for position, p in enumerate(photos):
            photo_id = ensure_row(session, Photo.__table__, {"sha256": p.sha256}, {
                "width": p.width, "height": p.height, "fingerprint": p.fingerprint,
                "thumbnail": p.thumbnail, "original_path": p.original_path, "first_seen": now,
                "is_hub": False, "hub_reason": ""})
            if photo_id in seen:
                continue
            seen.add(photo_id)
            session.add(AdPhoto(ad_id=ad.id, photo_id=photo_id, position=position, url=p.url[:2048]))


def store_ad(session: Session, record: AdRecord, extraction: dict[str, Any], photos: list[PhotoRow],
             region: str, now: datetime) -> StoreOutcome:
    """Insert or update the ad keyed by its url; a content change makes a new version."""
    digest = content_hash(record)
    ad = session.execute(select(Ad).where(Ad.url == record.url)).scalar_one_or_none()
    if ad is not None and ad.content_hash == digest:
        ad.last_seen = max(ad.last_seen, record.scraped_at)
        ad.gone_at = None
        return StoreOutcome(ad.id, "unchanged", ad.version)

    status: Status
    if ad is None:
        ad = Ad(url=record.url, site_id=site_id(session, record.site), version=1, content_hash=digest,
                first_seen=record.scraped_at, last_seen=record.scraped_at, changed_at=now)
        session.add(ad)
        status = "new"
    else:
        ad.version += 1
        ad.content_hash = digest
        ad.last_seen = max(ad.last_seen, record.scraped_at)
        ad.changed_at = now
        ad.gone_at = None
        status = "changed"
    _apply_fields(ad, record, extraction, region)
    session.flush()
    session.add(AdVersion(ad_id=ad.id, version=ad.version, scraped_at=record.scraped_at,
                          content_hash=digest, record=record.content()))
    _link_entities(session, ad, extraction, photos, now)
    session.flush()
    return StoreOutcome(ad.id, status, ad.version)


def refresh_extraction(session: Session, record: AdRecord, extraction: dict[str, Any], region: str,
                       now: datetime) -> StoreOutcome | None:
    """Apply a new extraction to the stored ad whose current content this record is.

    Archive replay (`videre rescore --archive`): new extraction rules reach old ads without a new
    version, since the content is the same. None when no stored ad has this url and content.
    """
    ad = session.execute(select(Ad).where(Ad.url == record.url)).scalar_one_or_none()
    if ad is None or ad.content_hash != content_hash(record):
        return None
    if ad.extraction == extraction and ad.region == region:
        return StoreOutcome(ad.id, "unchanged", ad.version)
    ad.extraction = extraction
    ad.region = region
    ad.changed_at = now
    _link_entities(session, ad, extraction, [], now)
    session.flush()
    return StoreOutcome(ad.id, "reextracted", ad.version)

"""The rows an ad links to (phones, its place, photos), written for a whole batch of ads at once.

A few statements per batch instead of a few per ad: executemany inserts, one IN query per
kind of key. Never commits: the caller owns the unit of work.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Table, bindparam, delete, select, update
from sqlalchemy.orm import Session

from models.entities import AdPhone, AdPhoto, AdPlace, Phone, Photo, Place
from videre.store.bulk_write import upsert_insert, write_many
from videre.store.json_text import JSONText
from videre.store.photo_rows import PhotoRow

# Bound parameters per IN list: far below SQLite's 32 766 and PostgreSQL's 65 535.
IN_CHUNK = 2_000


@dataclass(frozen=True)
class AdLinks:
    """What one stored ad links to, from its extraction and photos."""

    ad_id: int
    extraction: dict[str, Any]
    place_id: int | None
    photos: Sequence[PhotoRow]
    fresh: bool  # a new ad: it has no links yet, nothing to delete


def chunks(values: Sequence[Any], size: int = IN_CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def rows_where_in(session: Session, query: Any, column: ColumnElement[Any], values: Iterable[Any]) -> list[Any]:
    """`query` restricted to rows whose `column` is one of `values`, in chunks of bound parameters."""
    distinct = list(dict.fromkeys(values))
    out: list[Any] = []
    for part in chunks(distinct):
        out.extend(session.execute(query.where(column.in_(part))).all())
    return out


def insert_missing(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """INSERT .. ON CONFLICT DO NOTHING for many rows: concurrent crawls of several sites that
    bring the same phone or photo never collide."""
    if not rows:
        return
    write_many(session, upsert_insert(session, table).on_conflict_do_nothing(), rows)


def ensure_ids(session: Session, table: Table, key: str, rows: dict[Any, dict[str, Any]]) -> dict[Any, int]:
    """Ids by the unique column `key` for these rows (key value -> full row), inserting the
    missing ones; rows already stored are not written at all."""
    if not rows:
        return {}
    col = table.c[key]
    ids = dict(rows_where_in(session, select(col, table.c.id), col, rows))
    missing = [row for value, row in rows.items() if value not in ids]
    if missing:
        insert_missing(session, table, missing)
        ids.update(rows_where_in(session, select(col, table.c.id), col, [r[key] for r in missing]))
    return ids


def place_ids(session: Session, extractions: Iterable[dict[str, Any]]) -> dict[tuple[str, str], int]:
    """Ids of the places these extractions name, by (name, country), inserting missing ones."""
    wanted: dict[tuple[str, str], dict[str, Any]] = {}
    for extraction in extractions:
        loc = extraction.get("location")
        if loc:
            key = (loc["city"], loc.get("country") or "SE")
            wanted.setdefault(key, {"name": key[0], "country": key[1], "lat": loc.get("lat"),
                                    "lon": loc.get("lon")})
    if not wanted:
        return {}
    table: Table = Place.__table__  # type: ignore[assignment]
    query = select(table.c.name, table.c.country, table.c.id)

    def lookup() -> dict[tuple[str, str], int]:
        rows = rows_where_in(session, query, table.c.name, [k[0] for k in wanted])
        return {(n, c): i for n, c, i in rows if (n, c) in wanted}

    ids = lookup()
    missing = [row for key, row in wanted.items() if key not in ids]
    if missing:
        insert_missing(session, table, missing)
        ids = lookup()
    return ids


def place_key(extraction: dict[str, Any]) -> tuple[str, str] | None:
    loc = extraction.get("location")
    return (loc["city"], loc.get("country") or "SE") if loc else None


def link_ads(session: Session, ads: Sequence[AdLinks], now: datetime) -> None:
    """Phones, place and photos of freshly written ads. An ad's phones are replaced; its photos
    only when it brought some (an archive replay has none and keeps those stored)."""
    if not ads:
        return
    _link_phones(session, ads, now)
    _link_places(session, ads, now)
    _link_photos(session, [a for a in ads if a.photos], now)


def _delete_links(session: Session, model: Any, ads: Sequence[AdLinks]) -> None:
    old = [a.ad_id for a in ads if not a.fresh]
    for part in chunks(old):
        session.execute(delete(model).where(model.ad_id.in_(part)))


def _link_phones(session: Session, ads: Sequence[AdLinks], now: datetime) -> None:
    _delete_links(session, AdPhone, ads)
    phones: dict[str, dict[str, Any]] = {}
    for ad in ads:
        for hit in ad.extraction.get("phones", []):
            phones.setdefault(hit["e164"], {"e164": hit["e164"], "country": hit.get("country", ""),
                                            "first_seen": now, "is_hub": False, "hub_reason": ""})
    ids = ensure_ids(session, Phone.__table__, "e164", phones)  # type: ignore[arg-type]
    links: dict[tuple[int, int], dict[str, Any]] = {}
    for ad in ads:
        for hit in ad.extraction.get("phones", []):
            links.setdefault((ad.ad_id, ids[hit["e164"]]), {
                "ad_id": ad.ad_id, "phone_id": ids[hit["e164"]], "raw": hit.get("raw", "")[:500],
                "field": hit.get("field", ""), "obfuscation": _methods_json(tuple(hit.get("methods", ())))})
    if links:
        write_many(session, AdPhone.__table__.insert(), list(links.values()))


@lru_cache(maxsize=512)
def _methods_json(methods: tuple[str, ...]) -> JSONText:
    """A link's obfuscation methods, encoded once per distinct list (most are empty)."""
    return JSONText(json.dumps(list(methods)))


def _link_places(session: Session, ads: Sequence[AdLinks], now: datetime) -> None:
    table: Table = AdPlace.__table__  # type: ignore[assignment]
    placed = [a for a in ads if a.place_id is not None]
    old = [a.ad_id for a in placed if not a.fresh]
    existing = {(ad_id, place_id) for ad_id, place_id in rows_where_in(
        session, select(table.c.ad_id, table.c.place_id), table.c.ad_id, old)}
    seen = [{"b_ad": a.ad_id, "b_place": a.place_id, "last_seen": now}
            for a in placed if (a.ad_id, a.place_id) in existing]
    if seen:
        write_many(session, update(table).where(table.c.ad_id == bindparam("b_ad"),
                                                table.c.place_id == bindparam("b_place")), seen)
    new = [{"ad_id": a.ad_id, "place_id": a.place_id,
            "raw": (a.extraction["location"].get("raw") or "")[:500], "first_seen": now,
            "last_seen": now} for a in placed if (a.ad_id, a.place_id) not in existing]
    if new:
        write_many(session, table.insert(), new)


def _link_photos(session: Session, ads: Sequence[AdLinks], now: datetime) -> None:
    if not ads:
        return
    _delete_links(session, AdPhoto, ads)
    photos: dict[str, dict[str, Any]] = {}
    for ad in ads:
        for p in ad.photos:
            photos.setdefault(p.sha256, {
                "sha256": p.sha256, "width": p.width, "height": p.height, "fingerprint": p.fingerprint,
                "thumbnail": p.thumbnail, "original_path": p.original_path, "first_seen": now,
                "is_hub": False, "hub_reason": ""})
    ids = ensure_ids(session, Photo.__table__, "sha256", photos)  # type: ignore[arg-type]
    links: dict[tuple[int, int], dict[str, Any]] = {}
    for ad in ads:
        for position, p in enumerate(ad.photos):
            links.setdefault((ad.ad_id, ids[p.sha256]), {
                "ad_id": ad.ad_id, "photo_id": ids[p.sha256], "position": position, "url": p.url[:2048]})
    write_many(session, AdPhoto.__table__.insert(), list(links.values()))

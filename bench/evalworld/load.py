"""Bulk loading of an evaluation world: the ad rows `videre import` makes (bench/triage_load.py:
same parser and extractor, bulk inserts), then one photo row per distinct file with its
fingerprint (bench.evalworld.photos) and the ad-photo links."""

from __future__ import annotations

import tempfile
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import func, insert, select, text

from bench.evalworld.photos import fingerprint
from bench.evalworld.world import picture_of
from bench.triage_load import bulk_load
from models.ads import Ad
from models.entities import AdPhoto, Photo
from videre.core.config import Settings, parse_settings
from videre.store.db import Database

CHUNK = 20_000


def settings_for(db_url: str, data_dir: str | None = None) -> Settings:
    return parse_settings({"database": {"url": db_url},
                           "data_dir": data_dir or tempfile.mkdtemp(prefix="evalworld-var-")}, env={})


def load_photos(db: Database, records: list[dict[str, Any]]) -> tuple[int, int]:
    """Photo rows (one per distinct file) and ad-photo links; returns (photos, links)."""
    now = datetime.now(timezone.utc)
    with db.session() as s:
        if s.execute(select(func.count()).select_from(Photo)).scalar():
            raise RuntimeError("load_photos needs a database without photos; use a fresh one")
        ad_of = dict(s.execute(select(Ad.url, Ad.id)).all())
    ids: dict[str, int] = {}
    photos: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    n_links = 0

    def flush() -> None:
        with db.session() as s:
            if photos:
                s.execute(insert(Photo.__table__), photos)
            if links:
                s.execute(insert(AdPhoto.__table__), links)
        photos.clear()
        links.clear()

    for r in records:
        ad_id = ad_of.get(r["url"])
        if ad_id is None:
            continue
        seen: set[int] = set()
        for pos, url in enumerate(r.get("images") or []):
            pic, copy = picture_of(url)
            key = f"{pic}#{copy}"
            pid = ids.get(key)
            if pid is None:
                pid = ids[key] = len(ids) + 1
                h = fingerprint(pic, copy)
                photos.append({"id": pid, "sha256": h.sha256, "width": h.width, "height": h.height,
                               "fingerprint": h.pack(), "thumbnail": None, "original_path": None,
                               "first_seen": now, "is_hub": False, "hub_reason": ""})
            if pid not in seen:
                seen.add(pid)
                links.append({"ad_id": ad_id, "photo_id": pid, "position": pos, "url": url})
                n_links += 1
        if len(links) >= CHUNK:
            flush()
    flush()
    if ids and db.dialect == "postgresql":
        with db.session() as s:  # ids were given explicitly: move the sequence past them
            s.execute(text("SELECT setval(pg_get_serial_sequence('photos', 'id'), :n)"), {"n": len(ids)})
    return len(ids), n_links


def load_world(records: list[dict[str, Any]], db_url: str, workers: int = 2) -> dict[str, int]:
    """Fill a fresh database: ads, numbers, places (bulk), then photos."""
    settings = settings_for(db_url)
    db = Database.from_settings(settings)
    ads = bulk_load(records, settings, db, workers=workers)
    n_photos, n_links = load_photos(db, records)
    db.dispose()
    return {"ads": ads, "photos": n_photos, "ad_photos": n_links}

"""Fast import of a generated world for the triage benchmark: the rows `videre import` makes, in bulk.

Written when `videre import` stored one ad per transaction through the ORM; `videre import` now
writes in bulk too (bench/README.md, "Import"), but this loader skips the per-line checks and
the run record, and the triage benchmarks' figures were measured with it. This loader runs the same
record parser and the same extractor (in two processes), then writes the same rows with bulk
inserts: sites, ads, ad versions, phones, ad-phone links, places and ad-place links. Photos are not
handled: benchmark worlds have none. tests/bench/test_triage_load.py checks the rows against
`videre import` on a small world.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import datetime, timezone
from itertools import islice
from typing import Any

from sqlalchemy import func, insert, select

from models.ads import Ad, AdVersion, Site
from models.entities import AdPhone, AdPlace, Phone, Place
from videre.core.config import Settings
from videre.extract.normalise.extract import extract
from videre.extract.records import parse_record
from videre.store.db import Database
from videre.store.prepared import content_hash, record_fields

CHUNK = 5_000


def _prepare(args: tuple[list[dict[str, Any]], str, dict[str, str], int]) -> list[dict[str, Any]]:
    """Parse and extract one chunk of records (runs in a worker process)."""
    records, default_region, site_regions, max_chars = args
    now = datetime.now(timezone.utc)
    out = []
    for obj in records:
        record = parse_record(obj, now)
        region = record.region or site_regions.get(record.site) or default_region
        extraction = extract(record_fields(record), region, max_chars=max_chars).to_json()
        out.append({"record": record, "extraction": extraction, "region": region,
                    "hash": content_hash(record)})
    return out


def _chunks(records: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    it = iter(records)
    while chunk := list(islice(it, size)):
        yield chunk


class BulkLoader:
    """Keeps the id maps (sites, phones, places) while chunks of prepared ads are written."""

    def __init__(self, db: Database) -> None:
        self.db = db
        with db.session() as s:
            self.sites = dict(s.execute(select(Site.slug, Site.id)).all())
            self.phones = dict(s.execute(select(Phone.e164, Phone.id)).all())
            self.places = {(n, c): i for n, c, i in s.execute(select(Place.name, Place.country, Place.id))}
            self.next_ad = (s.execute(select(func.max(Ad.id))).scalar() or 0) + 1
            self.urls = set(s.execute(select(Ad.url)).scalars())

    def _site(self, s: Any, slug: str) -> int:
        if slug not in self.sites:
            self.sites[slug] = s.execute(insert(Site).values(slug=slug, name=slug).returning(Site.id)).scalar_one()
        return self.sites[slug]

    def write(self, prepared: list[dict[str, Any]], now: datetime) -> int:
        ads, versions, ad_phones, ad_places, new_phones, new_places = [], [], [], [], [], []
        with self.db.session() as s:
            for p in prepared:
                record, ex = p["record"], p["extraction"]
                if record.url in self.urls:
                    continue  # re-import of the same url would update; the benchmark never does
                self.urls.add(record.url)
                ad_id = self.next_ad
                self.next_ad += 1
                location = ex.get("location")
                place_id = None
                if location:
                    key = (location["city"], location.get("country") or "SE")
                    if key not in self.places:
                        self.places[key] = len(self.places) + 1
                        new_places.append({"id": self.places[key], "name": key[0], "country": key[1],
                                           "lat": location.get("lat"), "lon": location.get("lon")})
                    place_id = self.places[key]
                    ad_places.append({"ad_id": ad_id, "place_id": place_id,
                                      "raw": location.get("raw", "")[:500], "first_seen": now,
                                      "last_seen": now})
                ads.append({
                    "id": ad_id, "url": record.url, "site_id": self._site(s, record.site), "version": 1,
                    "content_hash": p["hash"], "first_seen": record.scraped_at,
                    "last_seen": record.scraped_at, "changed_at": now, "gone_at": None,
                    "posted_at": record.posted_at, "title": record.title, "body": record.body,
                    "name": record.name, "age_raw": record.age, "location_raw": record.location,
                    "phone_raw": record.phone, "region": p["region"], "age": ex.get("age"),
                    "city": location["city"] if location else None, "place_id": place_id,
                    "phone_obfuscated": bool(ex.get("phone_obfuscated")), "extraction": ex,
                    "cluster_id": None,
                })
                versions.append({"ad_id": ad_id, "version": 1, "scraped_at": record.scraped_at,
                                 "content_hash": p["hash"], "record": record.content()})
                for hit in ex.get("phones", []):
                    e164 = hit["e164"]
                    if e164 not in self.phones:
                        self.phones[e164] = len(self.phones) + 1
                        new_phones.append({"id": self.phones[e164], "e164": e164,
                                           "country": hit.get("country", ""), "first_seen": now,
                                           "is_hub": False, "hub_reason": ""})
                    ad_phones.append({"ad_id": ad_id, "phone_id": self.phones[e164],
                                      "raw": hit.get("raw", "")[:500], "field": hit.get("field", ""),
                                      "obfuscation": list(hit.get("methods", []))})
            for model, rows in ((Place, new_places), (Phone, new_phones), (Ad, ads),
                                (AdVersion, versions), (AdPhone, ad_phones), (AdPlace, ad_places)):
                if rows:
                    s.execute(insert(model.__table__), rows)
        return len(ads)


def bulk_load(records: Iterable[dict[str, Any]], settings: Settings, db: Database,
              workers: int = 2, on_chunk: Any = None) -> int:
    """Store ad records (docs/record.md, no photos) as `videre import` would; returns ads written."""
    loader = BulkLoader(db)
    for ids in (loader.phones, loader.places):
        if ids and max(ids.values()) != len(ids):
            raise RuntimeError("bulk loading numbers phones and places 1..n; use a fresh database")
    regions = {s.slug: s.region for s in settings.sites if s.region}
    jobs = ((chunk, settings.region, regions, settings.extract.max_text_chars)
            for chunk in _chunks(records, CHUNK))
    written = 0
    now = datetime.now(timezone.utc)
    if workers <= 1:
        for job in jobs:
            written += loader.write(_prepare(job), now)
            if on_chunk:
                on_chunk(written)
        return written
    with ProcessPoolExecutor(max_workers=workers) as pool:
        # A bounded window of chunks in flight: Executor.map would read every record up front.
        pending: deque[Future[list[dict[str, Any]]]] = deque()
        for job in jobs:
            pending.append(pool.submit(_prepare, job))
            if len(pending) > 2 * workers:
                written += loader.write(pending.popleft().result(), now)
                if on_chunk:
                    on_chunk(written)
        while pending:
            written += loader.write(pending.popleft().result(), now)
            if on_chunk:
                on_chunk(written)
    return written


def read_jsonl(path: str) -> Iterator[dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


COPIED = ("sites", "places", "phones", "ads", "ad_versions", "ad_phones", "ad_places")


def copy_sqlite_to_postgres(src: str, dst_url: str) -> None:
    """Copy the stored ads of a SQLite benchmark database into a fresh PostgreSQL one (COPY), so the
    same world is measured on both without extracting a million ads twice."""
    import sqlite3

    import psycopg
    from sqlalchemy.engine import make_url

    Database(dst_url).dispose()  # creates the schema
    url = make_url(dst_url)
    conninfo = f"host={url.host} port={url.port or 5432} user={url.username} dbname={url.database}"
    lite = sqlite3.connect(src)
    with psycopg.connect(conninfo) as pg:
        for table in COPIED:
            cols = [r[1] for r in lite.execute(f"PRAGMA table_info({table})")]
            cur = lite.execute(f"SELECT {', '.join(cols)} FROM {table}")
            with pg.cursor() as out, out.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                while rows := cur.fetchmany(20_000):
                    for row in rows:
                        copy.write_row(row)
            with pg.cursor() as out:
                out.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f"(SELECT coalesce(max(id), 1) FROM {table}))"
                            if "id" in cols else "SELECT 1")
        pg.commit()

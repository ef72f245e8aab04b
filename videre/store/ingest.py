"""Ad records in, stored ads out: the path shared by crawl, import and archive replay.

Two steps. `prepare` (videre.store.prepared) is pure CPU work (extract text, hash photos) and runs
anywhere, in a worker process too. `Ingestor.write` stores a batch of prepared ads in one transaction, so the
database is held only for the writes and a crash loses at most the batch being written.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.ads import Ad
from videre.core.config import Settings
from videre.extract.records import AdRecord, FetchedPhoto
from videre.store.ads import refresh_ads, store_ads
from videre.store.db import Database
from videre.store.page_memory import mark_seen
from videre.store.prepared import PrepareConfig, Prepared, prepare

MAX_ERROR_SAMPLES = 50


@dataclass(frozen=True)
class IngestOutcome:
    ad_id: int
    status: str
    version: int
    photo_errors: tuple[str, ...] = ()


@dataclass
class IngestTally:
    """Counts for a run: what a crawl or import reports at the end and records in its Run row."""

    statuses: Counter[str] = field(default_factory=Counter)
    photos: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    samples: list[dict[str, str]] = field(default_factory=list)

    def error(self, kind: str, where: str, message: str) -> None:
        self.errors[kind] += 1
        if len(self.samples) < MAX_ERROR_SAMPLES:
            self.samples.append({"kind": kind, "where": where[:300], "message": message[:500]})


def by_distinct_url(items: Sequence[Prepared]) -> list[list[Prepared]]:
    """Consecutive runs in which no url repeats: a batch writes each ad once, in file order."""
    runs: list[list[Prepared]] = [[]]
    urls: set[str] = set()
    for p in items:
        if p.item.record.url in urls:
            runs.append([])
            urls.clear()
        runs[-1].append(p)
        urls.add(p.item.record.url)
    return [r for r in runs if r]


class Ingestor:
    def __init__(self, settings: Settings, db: Database) -> None:
        self.settings = settings
        self.db = db
        self.config = PrepareConfig.from_settings(settings)
        self.tally = IngestTally()

    def write(self, batch: Sequence[Prepared], now: datetime | None = None) -> list[IngestOutcome]:
        """Store a batch of prepared ads in one transaction; outcomes in the batch's order."""
        now = now or datetime.now(timezone.utc)
        outcomes = []
        with self.db.session() as session:
            for run in by_distinct_url(batch):
                outcomes.extend(store_ads(session, [p.item for p in run], now))
        return [self._count(p, o.ad_id, o.status, o.version) for p, o in zip(batch, outcomes)]

    def _count(self, p: Prepared, ad_id: int, status: str, version: int) -> IngestOutcome:
        self.tally.statuses[status] += 1
        self.tally.photos += len(p.item.photos)
        for message in p.photo_errors:
            self.tally.error("photo", p.item.record.url, message)
        return IngestOutcome(ad_id, status, version, p.photo_errors)

    def ingest(self, record: AdRecord, photos: list[FetchedPhoto], now: datetime | None = None,
               page: tuple[str, str] | None = None) -> IngestOutcome:
        """Store one ad. `page`: the (ETag, Last-Modified) of the ad's own page when it was crawled,
        remembered in the same transaction for the next crawl's conditional request."""
        return self.write([prepare(record, photos, self.config, page)], now)[0]

    def seen(self, url: str, checked: bool, now: datetime | None = None) -> None:
        """An ad the crawl found unchanged (a 304, or checked recently): only when it was seen."""
        with self.db.session() as session:
            if mark_seen(session, url, now or datetime.now(timezone.utc), checked):
                self.tally.statuses["unchanged"] += 1

    def replay(self, batch: Sequence[Prepared], now: datetime | None = None) -> list[str]:
        """Archive replay of a batch, in one transaction: an ad stored with the same content gets
        the new extraction; an unknown ad, or a page newer than the stored ad, is stored; an
        older page is skipped ("older"). Statuses in the batch's order."""
        now = now or datetime.now(timezone.utc)
        statuses: list[str] = []
        with self.db.session() as session:
            for run in by_distinct_url(batch):
                statuses.extend(self._replay_run(session, run, now))
        return statuses

    def _replay_run(self, session: Session, run: list[Prepared], now: datetime) -> list[str]:
        refreshed = refresh_ads(session, [p.item for p in run], now)
        rest = [p for p, o in zip(run, refreshed) if o is None]
        last_seen = dict(session.execute(select(Ad.url, Ad.last_seen).where(
            Ad.url.in_([p.item.record.url for p in rest]))).all()) if rest else {}
        newer = [p for p in rest if p.item.record.url not in last_seen
                 or p.item.record.scraped_at > last_seen[p.item.record.url]]
        stored = dict(zip((id(p) for p in newer), store_ads(session, [p.item for p in newer], now)))
        statuses = []
        for p, o in zip(run, refreshed):
            got = o or stored.get(id(p))
            statuses.append(got.status if got else "older")
            if got:
                self._count(p, got.ad_id, got.status, got.version)
        return statuses

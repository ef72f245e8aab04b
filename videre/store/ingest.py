"""One ad record in, one stored ad out: the path shared by crawl, import and archive replay.

extract text -> hash photos -> upsert ad (+ version). CPU work happens before the transaction so
that the database is held only for the writes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from videre.store.page_memory import mark_seen, remember_page
from videre.extract.records import AdRecord, FetchedPhoto
from videre.extract.normalise.extract import extract
from videre.extract.normalise.images import PhotoLimits, process_photo
from videre.store.ads import PhotoRow, StoreOutcome, refresh_extraction, store_ad
from videre.core.config import Settings
from videre.store.db import Database
from videre.core.errors import ImageRejected

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


def record_fields(record: AdRecord) -> dict[str, str]:
    """The text the extractor reads; html only for its links."""
    fields = {k: getattr(record, k) for k in ("title", "body", "name", "age", "location", "phone")}
    if record.html:
        fields["html"] = record.html
    return fields


class Ingestor:
    def __init__(self, settings: Settings, db: Database) -> None:
        self.settings = settings
        self.db = db
        self.limits = PhotoLimits.from_settings(settings.photos)
        self.tally = IngestTally()

    def _photo_rows(self, photos: list[FetchedPhoto]) -> tuple[list[PhotoRow], list[str]]:
        rows: list[PhotoRow] = []
        errors: list[str] = []
        for photo in photos:
            if photo.error or photo.data is None:
                errors.append(f"{photo.url}: {photo.error or 'no data'}")
                continue
            try:
                done = process_photo(photo.data, self.limits, photo.content_type,
                                     keep_original=self.settings.photos.keep_originals)
            except ImageRejected as exc:
                errors.append(f"{photo.url}: {exc}")
                continue
            original_path = self._keep_original(done.hashes.sha256, done.original)
            rows.append(PhotoRow(url=photo.url, sha256=done.hashes.sha256, width=done.hashes.width,
                                 height=done.hashes.height, fingerprint=done.hashes.pack(),
                                 thumbnail=done.thumbnail, original_path=original_path))
        return rows, errors

    def _keep_original(self, sha256: str, original: bytes | None) -> str | None:
        if original is None:
            return None
        path = self.settings.path("photos", sha256[:2], f"{sha256}.jpg")
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            path.write_bytes(original)
        return str(path)

    def ingest(self, record: AdRecord, photos: list[FetchedPhoto], now: datetime | None = None,
               page: tuple[str, str] | None = None) -> IngestOutcome:
        """Store one ad. `page`: the (ETag, Last-Modified) of the ad's own page when it was crawled,
        remembered in the same transaction for the next crawl's conditional request."""
        now = now or datetime.now(timezone.utc)
        region = record.region or self.settings.region_for(record.site)
        extraction = extract(record_fields(record), region,
                             max_chars=self.settings.extract.max_text_chars)
        rows, photo_errors = self._photo_rows(photos)
        with self.db.session() as session:
            outcome: StoreOutcome = store_ad(session, record, extraction.to_json(), rows, region, now)
            if page is not None:
                remember_page(session, outcome.ad_id, page[0], page[1], now)
        self.tally.statuses[outcome.status] += 1
        self.tally.photos += len(rows)
        for message in photo_errors:
            self.tally.error("photo", record.url, message)
        return IngestOutcome(outcome.ad_id, outcome.status, outcome.version, tuple(photo_errors))

    def seen(self, url: str, checked: bool, now: datetime | None = None) -> None:
        """An ad the crawl found unchanged (a 304, or checked recently): only when it was seen."""
        with self.db.session() as session:
            if mark_seen(session, url, now or datetime.now(timezone.utc), checked):
                self.tally.statuses["unchanged"] += 1

    def reextract(self, record: AdRecord, now: datetime | None = None) -> IngestOutcome | None:
        """Extract again and apply the result to the stored ad with this url and content (archive
        replay); None when no stored ad has them."""
        now = now or datetime.now(timezone.utc)
        region = record.region or self.settings.region_for(record.site)
        extraction = extract(record_fields(record), region,
                             max_chars=self.settings.extract.max_text_chars)
        with self.db.session() as session:
            outcome = refresh_extraction(session, record, extraction.to_json(), region, now)
        if outcome is None:
            return None
        self.tally.statuses[outcome.status] += 1
        return IngestOutcome(outcome.ad_id, outcome.status, outcome.version)


def local_photo(base: Path, ref: str, limit: int) -> FetchedPhoto:
    """Read a photo named in a JSONL file by a path relative to that file, within the byte limit."""
    path = (base / ref).resolve()
    try:
        size = path.stat().st_size
        if size > limit:
            return FetchedPhoto(ref, error=f"file is {size} bytes, over the {limit}-byte limit")
        return FetchedPhoto(ref, data=path.read_bytes())
    except OSError as exc:
        return FetchedPhoto(ref, error=f"cannot read photo: {exc.strerror or exc}")

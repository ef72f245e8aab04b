"""An ad made ready to store: its extraction, photo rows and content hash, before any database.

Pure CPU work, and no SQLAlchemy here: the worker processes of an import or archive replay load
only this side, and a command's parent can start them before it loads the database layer
(start-up time, bench/README.md "Import"). `videre.store.ingest` writes what this makes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from videre.extract.normalise.memo import shared_memo
from videre.extract.normalise.photo_checks import PhotoLimits
from videre.extract.records import AdRecord, FetchedPhoto
from videre.store.photo_rows import PhotoConfig, PhotoRow, photo_rows

if TYPE_CHECKING:
    from videre.core.config import Settings


@dataclass(frozen=True)
class StoreItem:
    """One ad ready to write: the record, its extraction and processed photos."""

    record: AdRecord
    extraction: dict[str, Any]
    region: str
    photos: Sequence[PhotoRow] = ()
    # (ETag, Last-Modified) of the ad's own page when crawled, remembered with the ad.
    page: tuple[str, str] | None = None
    digest: str = field(default="", compare=False)

    def content_digest(self) -> str:
        return self.digest or content_hash(self.record)


def content_hash(record: AdRecord) -> str:
    blob = json.dumps(record.content(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class PrepareConfig:
    """What preparing an ad needs from the settings: small and picklable, for worker processes."""

    region: str
    site_regions: dict[str, str]
    max_chars: int
    photos: PhotoConfig

    @classmethod
    def from_settings(cls, settings: Settings) -> "PrepareConfig":
        return cls(region=settings.region,
                   site_regions={s.slug: s.region for s in settings.sites if s.region},
                   max_chars=settings.extract.max_text_chars,
                   photos=PhotoConfig(PhotoLimits.from_settings(settings.photos),
                                      settings.photos.keep_originals, settings.path("photos")))

    def region_for(self, record: AdRecord) -> str:
        return record.region or self.site_regions.get(record.site) or self.region


@dataclass(frozen=True)
class Prepared:
    """An ad ready to store, and what went wrong with its photos."""

    item: StoreItem
    photo_errors: tuple[str, ...] = ()


def record_fields(record: AdRecord) -> dict[str, str]:
    """The text the extractor reads; html only for its links."""
    fields = {k: getattr(record, k) for k in ("title", "body", "name", "age", "location", "phone")}
    if record.html:
        fields["html"] = record.html
    return fields


def prepare(record: AdRecord, photos: Sequence[FetchedPhoto], config: PrepareConfig,
            page: tuple[str, str] | None = None,
            hashed: tuple[list[PhotoRow], list[str]] | None = None) -> Prepared:
    """Extract and hash: everything before the database. `hashed`: the photos' rows and errors
    when they were hashed already (the crawl hashes them in a process pool as they arrive)."""
    region = config.region_for(record)
    extraction = shared_memo(config.max_chars)(record_fields(record), region).to_json()
    rows, errors = hashed if hashed is not None else photo_rows(photos, config.photos)
    # The page was read for its links; nothing stores it, and a worker need not send it back.
    stored = replace(record, html=None) if record.html else record
    return Prepared(StoreItem(stored, extraction, region, tuple(rows), page, content_hash(record)),
                    tuple(errors))

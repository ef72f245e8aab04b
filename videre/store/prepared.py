"""An ad made ready to store: its extraction, photo rows and content hash, before any database.

Pure CPU work, and no SQLAlchemy here: the worker processes of an import or archive replay load
only this side, and a command's parent can start them before it loads the database layer
(start-up time, bench/README.md "Import"). `videre.store.ingest` writes what this makes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from videre.extract.normalise.photo_checks import PhotoLimits
from videre.extract.records import AdRecord, FetchedPhoto
from videre.store.json_text import JSONText
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
    # The record's canonical JSON and the extraction's JSON, encoded where the ad was prepared (a
    # worker process, when there is a pool) so the process that writes does not encode them again.
    record_json: str = field(default="", compare=False)
    extraction_json: str = field(default="", compare=False)

    def content_digest(self) -> str:
        return self.digest or content_hash(self.record)

    def record_document(self) -> JSONText:
        """What `ad_versions.record` stores: the canonical JSON the content hash is taken over."""
        return JSONText(self.record_json or canonical_content(self.record))

    def extraction_document(self) -> JSONText | dict[str, Any]:
        return JSONText(self.extraction_json) if self.extraction_json else self.extraction


def canonical_content(record: AdRecord) -> str:
    """The record's content (AdRecord.content) as JSON with sorted keys: its SHA-256 is the
    version's content hash, and it is the text stored as the version's record (docs/record.md)."""
    return json.dumps(record.content(), sort_keys=True, ensure_ascii=False)


def content_hash(record: AdRecord) -> str:
    return _sha256(canonical_content(record))


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


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


# A batch of prepared ads crosses a process pool as plain tuples (`packed`), not as dataclasses:
# pickle rebuilds each frozen dataclass field by field, which cost the writing process more than
# the tuples and the rebuilding below (bench/README.md, "Import").
_RECORD_FIELDS = tuple(f.name for f in fields(AdRecord))
_ITEM_FIELDS = tuple(f.name for f in fields(StoreItem))
_record_values = attrgetter(*_RECORD_FIELDS)
_item_values = attrgetter(*_ITEM_FIELDS[1:])

Packed = tuple[tuple[Any, ...], tuple[Any, ...], tuple[str, ...]]


def packed(prepared: Prepared) -> Packed:
    item = prepared.item
    return _record_values(item.record), _item_values(item), prepared.photo_errors


def unpacked(values: Packed) -> Prepared:
    """The `Prepared` that `packed` was made from; the objects are filled in directly, as
    unpickling does, since their values were checked when they were first made."""
    record_values, item_values, photo_errors = values
    record = object.__new__(AdRecord)
    record.__dict__.update(zip(_RECORD_FIELDS, record_values))
    item = object.__new__(StoreItem)
    item.__dict__["record"] = record
    item.__dict__.update(zip(_ITEM_FIELDS[1:], item_values))
    prepared = object.__new__(Prepared)
    prepared.__dict__.update(item=item, photo_errors=photo_errors)
    return prepared


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
    # The normalisers (phonenumbers, the gazetteer, the numeral tables) load where an ad is first
    # extracted: a crawl extracts in its photo workers, and its own process never loads them.
    from videre.extract.normalise.memo import shared_memo

    region = config.region_for(record)
    extraction = shared_memo(config.max_chars)(record_fields(record), region).to_json()
    rows, errors = hashed if hashed is not None else photo_rows(photos, config.photos)
    # The page was read for its links; nothing stores it, and a worker need not send it back.
    stored = replace(record, html=None) if record.html else record
    canonical = canonical_content(record)
    return Prepared(StoreItem(stored, extraction, region, tuple(rows), page, _sha256(canonical),
                              canonical, json.dumps(extraction)), tuple(errors))

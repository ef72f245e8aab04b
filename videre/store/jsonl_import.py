"""`videre import`: JSON Lines of ad records (docs/record.md), ingested exactly as a crawl would."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
import httpx

from videre.extract.records import AdRecord, FetchedPhoto, parse_record
from videre.core.config import Settings
from videre.store.db import Database
from videre.core.errors import InputError
from videre.store.ingest import Ingestor, local_photo
from videre.core.jsonl import load_line, read_lines
from videre.store.run_record import RunRecorder


@dataclass(frozen=True)
class LineError:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class ImportReport:
    lines: int = 0
    errors: list[LineError] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    photos: int = 0
    photo_errors: list[str] = field(default_factory=list)


def decode_record(raw: bytes | None, max_bytes: int, now: datetime) -> AdRecord:
    return parse_record(load_line(raw, max_bytes), now)


class PhotoLoader:
    """Photos named in a JSONL file: local paths relative to the file, or http(s) URLs."""

    def __init__(self, max_bytes: int, timeout: float) -> None:
        self.max_bytes = max_bytes
        self.client = httpx.Client(timeout=timeout, follow_redirects=False)

    def _remote(self, url: str) -> FetchedPhoto:
        try:
            with self.client.stream("GET", url) as resp:
                if resp.status_code != 200:
                    return FetchedPhoto(url, error=f"HTTP {resp.status_code}")
                data = bytearray()
                for part in resp.iter_bytes():
                    data += part
                    if len(data) > self.max_bytes:
                        return FetchedPhoto(url, error=f"over the {self.max_bytes}-byte limit")
                return FetchedPhoto(url, bytes(data), resp.headers.get("content-type"))
        except httpx.HTTPError as exc:
            return FetchedPhoto(url, error=f"fetch failed: {exc}")

    def load(self, base: Path, ref: str) -> FetchedPhoto:
        if ref.startswith(("http://", "https://")):
            return self._remote(ref)
        if "://" in ref:
            return FetchedPhoto(ref, error="unsupported URL scheme")
        return local_photo(base, ref, self.max_bytes)

    def close(self) -> None:
        self.client.close()


def import_files(paths: list[Path], settings: Settings, db: Database,
                 on_line: Callable[[], None] | None = None) -> ImportReport:
    report = ImportReport()
    ingestor = Ingestor(settings, db)
    loader = PhotoLoader(settings.photos.max_bytes, settings.crawl.page_timeout_s)
    limit = settings.imports.max_line_bytes
    with RunRecorder(db, "import") as run:
        try:
            for path in paths:
                with path.open("rb") as stream:
                    for number, raw in read_lines(stream, limit):
                        report.lines += 1
                        if on_line:
                            on_line()
                        if raw is not None and not raw.strip():
                            continue
                        try:
                            record = decode_record(raw, limit, datetime.now(timezone.utc))
                        except InputError as exc:
                            report.errors.append(LineError(str(path), number, str(exc)))
                            continue
                        photos = [loader.load(path.parent, ref) for ref in record.images]
                        outcome = ingestor.ingest(record, photos)
                        report.photo_errors.extend(f"{path}:{number}: {e}" for e in outcome.photo_errors)
        finally:
            loader.close()
            tally = ingestor.tally
            for err in report.errors:
                tally.error("bad_line", f"{err.path}:{err.line}", err.message)
            run.finish_from(tally, pages=report.lines)
    report.statuses = dict(ingestor.tally.statuses)
    report.photos = ingestor.tally.photos
    return report

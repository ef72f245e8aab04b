"""`videre import`: JSON Lines of ad records (docs/record.md), ingested exactly as a crawl would.

Lines are read in chunks; each chunk is decoded, checked, extracted and its photos hashed in a
worker process (when there are two or more cores), then written in one transaction. Every
line has its own error boundary: a bad line is reported with its number and why, and the rest
of the file is stored. A `kill -9` loses at most the chunk being written, and importing the
file again stores nothing twice (an ad with the same url and content is "unchanged").
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from videre.core.config import Settings
from videre.core.errors import InputError
from videre.core.jsonl import load_line, needs_scrub, read_lines, scrub_text
from videre.extract.records import FetchedPhoto, parse_record
from videre.store.db import Database
from videre.store.ingest import Ingestor, PrepareConfig, Prepared, prepare
from videre.store.photo_files import read_photo_file
from videre.store.process_pool import ordered_map, worker_count
from videre.store.run_record import RunRecorder

# Lines per chunk: one worker task, and one transaction when it is written.
CHUNK_LINES = 500
MAX_REPORTED = 1_000


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
    warnings: list[str] = field(default_factory=list)
    bad_lines: int = 0

    def bad(self, err: LineError) -> None:
        self.bad_lines += 1
        if len(self.errors) < MAX_REPORTED:
            self.errors.append(err)


@dataclass(frozen=True)
class LineOutcome:
    """One line after its worker: an ad ready to store, or why not; warnings either way."""

    number: int
    prepared: Prepared | None = None
    error: str | None = None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Chunk:
    path: Path
    lines: list[tuple[int, bytes | None]]


@dataclass(frozen=True)
class ImportConfig:
    prepare: PrepareConfig
    max_line_bytes: int
    photo_bytes: int
    timeout_s: float


class PhotoLoader:
    """Photos named in a JSONL file: local paths inside the file's folder, or http(s) URLs."""

    def __init__(self, max_bytes: int, timeout: float) -> None:
        self.max_bytes = max_bytes
        self.timeout = timeout
        self.client: Any = None

    def _remote(self, url: str) -> FetchedPhoto:
        import httpx  # only when a file names photos by URL

        if self.client is None:
            self.client = httpx.Client(timeout=self.timeout, follow_redirects=False)
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
        return read_photo_file(base, ref, self.max_bytes)

    def close(self) -> None:
        if self.client is not None:
            self.client.close()


def prepare_line(raw: bytes | None, folder: Path, config: ImportConfig, loader: PhotoLoader,
                 now: datetime) -> tuple[Prepared, list[str]]:
    """Decode, check, extract and hash one line; InputError names what is wrong with it."""
    obj = load_line(raw, config.max_line_bytes)
    obj, warnings = scrub_text(obj) if raw is not None and needs_scrub(raw) else (obj, [])
    record = parse_record(obj, now)
    photos = [loader.load(folder, ref) for ref in record.images]
    return prepare(record, photos, config.prepare), warnings


def prepare_chunk(chunk: Chunk, config: ImportConfig, loader: PhotoLoader | None = None) -> list[LineOutcome]:
    own = loader is None
    loader = loader or PhotoLoader(config.photo_bytes, config.timeout_s)
    now = datetime.now(timezone.utc)
    out: list[LineOutcome] = []
    try:
        for number, raw in chunk.lines:
            try:
                prepared, warnings = prepare_line(raw, chunk.path.parent, config, loader, now)
                out.append(LineOutcome(number, prepared, warnings=tuple(warnings)))
            except InputError as exc:
                out.append(LineOutcome(number, error=str(exc)))
            except Exception as exc:  # noqa: BLE001 - each line is its own error boundary
                out.append(LineOutcome(number, error=f"cannot read record: {type(exc).__name__}: {exc}"[:500]))
    finally:
        if own:
            loader.close()
    return out


_WORKER: dict[str, Any] = {}


def _worker_init(config: ImportConfig) -> None:
    _WORKER["config"] = config
    _WORKER["loader"] = PhotoLoader(config.photo_bytes, config.timeout_s)


def _worker_chunk(chunk: Chunk) -> tuple[Chunk, list[LineOutcome]]:
    return chunk, prepare_chunk(chunk, _WORKER["config"], _WORKER["loader"])


def chunks(paths: list[Path], limit: int, size: int = CHUNK_LINES) -> Iterator[Chunk]:
    for path in paths:
        with path.open("rb") as stream:
            lines: list[tuple[int, bytes | None]] = []
            for number, raw in read_lines(stream, limit):
                lines.append((number, raw))
                if len(lines) >= size:
                    yield Chunk(path, lines)
                    lines = []
            if lines:
                yield Chunk(path, lines)


def import_files(paths: list[Path], settings: Settings, db: Database,
                 on_line: Callable[..., None] | None = None, workers: int | None = None) -> ImportReport:
    report = ImportReport()
    ingestor = Ingestor(settings, db)
    config = ImportConfig(ingestor.config, settings.imports.max_line_bytes, settings.photos.max_bytes,
                          settings.crawl.page_timeout_s)
    with RunRecorder(db, "import") as run:
        try:
            tasks = chunks(paths, config.max_line_bytes)
            for chunk, outcomes in ordered_map(_worker_chunk, tasks, worker_count() if workers is None else workers,
                                               _worker_init, (config,)):
                _store_chunk(chunk, outcomes, ingestor, report)
                report.lines += len(chunk.lines)
                if on_line:
                    on_line(len(chunk.lines))
        finally:
            if "loader" in _WORKER:  # this process did the work itself
                _WORKER.pop("loader").close()
            tally = ingestor.tally
            for err in report.errors:
                tally.error("bad_line", f"{err.path}:{err.line}", err.message)
            tally.errors["bad_line"] += report.bad_lines - len(report.errors)
            run.finish_from(tally, pages=report.lines)
    report.statuses = dict(ingestor.tally.statuses)
    report.photos = ingestor.tally.photos
    return report


def _store_chunk(chunk: Chunk, outcomes: list[LineOutcome], ingestor: Ingestor, report: ImportReport) -> None:
    good: list[tuple[int, Prepared]] = []
    blank = {n for n, raw in chunk.lines if raw is not None and not raw.strip()}
    for o in outcomes:
        where = f"{chunk.path}:{o.number}"
        report.warnings.extend(f"{where}: {w}" for w in o.warnings[:5])
        if o.prepared is not None:
            good.append((o.number, o.prepared))
        elif o.number not in blank:
            report.bad(LineError(str(chunk.path), o.number, o.error or "unreadable"))
    try:
        written = list(zip(good, ingestor.write([p for _, p in good])))
    except SQLAlchemyError:
        # One row the database refused (PostgreSQL is stricter than the checks above) must not
        # lose the chunk: write the lines one by one and report the one that fails.
        written = []
        for number, p in good:
            try:
                written.extend(zip([(number, p)], ingestor.write([p])))
            except SQLAlchemyError as exc:
                message = str(getattr(exc, "orig", exc)).splitlines()[0][:300]
                report.bad(LineError(str(chunk.path), number, f"the database refused it: {message}"))
    for (number, _), outcome in written:
        report.photo_errors.extend(f"{chunk.path}:{number}: {e}" for e in outcome.photo_errors)

"""The CPU side of `videre import`: JSON Lines read in chunks, each line decoded, checked,
extracted and its photos hashed, in worker processes when there are two or more cores.

No database here (videre.store.prepared, not the ingest): the command starts these workers first
and loads the database layer while they read (start-up time, bench/README.md "Import");
videre.store.jsonl_import writes what they return.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from videre.core.batches import batches
from videre.core.config import Settings
from videre.core.errors import InputError
from videre.core.jsonl import line_bytes, load_line, needs_scrub, read_lines, scrub_text
from videre.extract.normalise.memo import warm
from videre.extract.records import FetchedPhoto, parse_record
from videre.store.photo_files import read_photo_file
from videre.store.prepared import Packed, PrepareConfig, Prepared, packed, prepare, unpacked
from videre.store.process_pool import StartedMap, worker_count

# Lines per chunk: one worker task, and one transaction when it is written.
CHUNK_LINES = 500


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
class PreparedChunk:
    """A chunk after its worker: how many lines it had, and an outcome for each line that was
    not blank (the raw lines stay behind: the parent has no use for them)."""

    path: Path
    lines: int
    outcomes: list[LineOutcome]

    def __reduce__(self) -> tuple[Any, ...]:
        # From a worker to the writing process as tuples (videre.store.prepared.packed).
        return _unpack_chunk, (str(self.path), self.lines, [
            (o.number, packed(o.prepared) if o.prepared else None, o.error, o.warnings)
            for o in self.outcomes])


def _unpack_chunk(path: str, lines: int,
                  outcomes: list[tuple[int, Packed | None, str | None, tuple[str, ...]]]) -> PreparedChunk:
    return PreparedChunk(Path(path), lines, [
        LineOutcome(number, unpacked(p) if p else None, error, warnings)
        for number, p, error, warnings in outcomes])


@dataclass(frozen=True)
class ImportConfig:
    prepare: PrepareConfig
    max_line_bytes: int
    photo_bytes: int
    timeout_s: float

    @classmethod
    def from_settings(cls, settings: Settings) -> "ImportConfig":
        return cls(PrepareConfig.from_settings(settings), settings.imports.max_line_bytes,
                   settings.photos.max_bytes, settings.crawl.page_timeout_s)


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


def prepare_chunk(chunk: Chunk, config: ImportConfig, loader: PhotoLoader) -> PreparedChunk:
    now = datetime.now(timezone.utc)
    out: list[LineOutcome] = []
    for number, raw in chunk.lines:
        if raw is not None and not raw.strip():
            continue  # a blank line is no record, and not an error either
        try:
            prepared, warnings = prepare_line(raw, chunk.path.parent, config, loader, now)
            out.append(LineOutcome(number, prepared, warnings=tuple(warnings)))
        except InputError as exc:
            out.append(LineOutcome(number, error=str(exc)))
        except Exception as exc:  # noqa: BLE001 - each line is its own error boundary
            out.append(LineOutcome(number, error=f"cannot read record: {type(exc).__name__}: {exc}"[:500]))
    return PreparedChunk(chunk.path, len(chunk.lines), out)


_WORKER: dict[str, Any] = {}


def _worker_init(config: ImportConfig) -> None:
    _WORKER["config"] = config
    _WORKER["loader"] = PhotoLoader(config.photo_bytes, config.timeout_s)


def _worker_chunk(chunk: Chunk) -> PreparedChunk:
    return prepare_chunk(chunk, _WORKER["config"], _WORKER["loader"])


def chunks(paths: list[Path], limit: int, size: int = CHUNK_LINES) -> Iterator[Chunk]:
    """Each file's lines, `size` at most a chunk and bounded in bytes (videre.core.batches)."""
    for path in paths:
        with path.open("rb") as stream:
            for lines in batches(read_lines(stream, limit), size, line_bytes):
                yield Chunk(path, lines)


@contextmanager
def preparing(paths: list[Path], settings: Settings,
              workers: int | None = None) -> Iterator[StartedMap[Chunk, PreparedChunk]]:
    """The files' chunks, prepared in order; the workers begin on entry, before the caller opens
    the database. Nothing is written here: that waits for the caller's lock."""
    config = ImportConfig.from_settings(settings)
    workers = worker_count() if workers is None else workers
    if workers:
        warm(config.prepare.region)
    try:
        with StartedMap(_worker_chunk, chunks(paths, config.max_line_bytes),
                        workers, _worker_init, (config,)) as started:
            yield started
    finally:
        if "loader" in _WORKER:  # this process did the work itself
            _WORKER.pop("loader").close()

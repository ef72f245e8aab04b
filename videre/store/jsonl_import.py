"""`videre import`: JSON Lines of ad records (docs/record.md), ingested exactly as a crawl would.

Lines are read in chunks; each chunk is decoded, checked, extracted and its photos hashed in a
worker process (when there are two or more cores), then written in one transaction. Every
line has its own error boundary: a bad line is reported with its number and why, and the rest
of the file is stored. A `kill -9` loses at most the chunk being written, and importing the
file again stores nothing twice (an ad with the same url and content is "unchanged").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from videre.core.config import Settings
from videre.store.db import Database
from videre.store.ingest import Ingestor
from videre.store.jsonl_prepare import PreparedChunk, preparing
from videre.store.prepared import Prepared
from videre.store.run_record import RunRecorder

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


def import_files(paths: list[Path], settings: Settings, db: Database,
                 on_line: Callable[..., None] | None = None, workers: int | None = None) -> ImportReport:
    with preparing(paths, settings, workers) as prepared:
        return import_prepared(prepared, settings, db, on_line)


def import_prepared(prepared: Iterable[PreparedChunk], settings: Settings, db: Database,
                    on_line: Callable[..., None] | None = None) -> ImportReport:
    """Store the chunks `videre.store.jsonl_prepare.preparing` yields, one transaction each."""
    report = ImportReport()
    ingestor = Ingestor(settings, db)
    with RunRecorder(db, "import") as run:
        try:
            for chunk in prepared:
                _store_chunk(chunk, ingestor, report)
                report.lines += chunk.lines
                if on_line:
                    on_line(chunk.lines)
        finally:
            tally = ingestor.tally
            for err in report.errors:
                tally.error("bad_line", f"{err.path}:{err.line}", err.message)
            tally.errors["bad_line"] += report.bad_lines - len(report.errors)
            run.finish_from(tally, pages=report.lines)
    report.statuses = dict(ingestor.tally.statuses)
    report.photos = ingestor.tally.photos
    return report


def _store_chunk(chunk: PreparedChunk, ingestor: Ingestor, report: ImportReport) -> None:
    good: list[tuple[int, Prepared]] = []
    for o in chunk.outcomes:
        where = f"{chunk.path}:{o.number}"
        report.warnings.extend(f"{where}: {w}" for w in o.warnings[:5])
        if o.prepared is not None:
            good.append((o.number, o.prepared))
        else:
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

"""`videre rescore --archive`: ads read again from the WARC files that crawls wrote.

Each archived page (videre.store.archive: a `response` record with the page as fetched, or an API's
JSON) is turned back into ad records with the same page functions a crawl uses (videre.extract.pages),
so that new parsing and extraction rules reach old ads without fetching anything:

- an ad stored with the same content gets the new extraction (no new version);
- an ad not stored at all is stored (without photos: the archive holds pages, not pictures);
- an archived page newer than the stored ad is a normal update; an older one is skipped, so a
  replay never turns an ad back into what it said before.

Pages of a site no longer in config.yaml fall back to the ad records archived with them.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import select
from warcio.archiveiterator import ArchiveIterator

from videre.store.archive import AD_RECORD_TYPE
from videre.extract.records import AdRecord, parse_record
from videre.extract.pages.html import parse_detail, parse_listing
from videre.extract.pages.json_api import parse_api_page
from models.ads import Ad
from videre.core.config import Settings, SiteSettings
from videre.store.db import Database
from videre.core.errors import InputError
from videre.store.ingest import Ingestor
from videre.store.run_record import RunRecorder

MAX_PAGE_BYTES = 20_000_000
MAX_PROBLEMS = 200


@dataclass
class Capture:
    site: str
    url: str
    body: bytes
    fetched_at: datetime
    archived: list[dict[str, Any]] = field(default_factory=list)   # ad records written with it


@dataclass
class ReplayReport:
    files: int = 0
    pages: int = 0
    records: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)

    def problem(self, message: str) -> None:
        self.statuses["skipped"] += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(message[:500])

    def summary(self) -> str:
        counts = ", ".join(f"{n} {k}" for k, n in sorted(self.statuses.items()))
        return (f"archive: {self.files} files, {self.pages} pages, {self.records} ad records"
                + (f" ({counts})" if counts else ""))


def archive_files(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(q for q in p.rglob("*") if q.name.endswith((".warc", ".warc.gz"))))
        else:
            out.append(p)
    return out


def _date(value: str | None) -> datetime:
    if not value:
        return datetime.now(timezone.utc)
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def captures(path: Path) -> Iterator[Capture]:
    """The pages of one WARC file, each with the ad records archived with it."""
    site = ""
    pages: dict[str, Capture] = {}
    with path.open("rb") as fh:
        for rec in ArchiveIterator(fh):
            headers = rec.rec_headers
            if rec.rec_type == "warcinfo":
                info = rec.content_stream().read(100_000).decode("utf-8", "replace")
                for line in info.splitlines():
                    if line.lower().startswith("ispartof:"):
                        site = line.split(":", 1)[1].strip()
            elif rec.rec_type == "response":
                body = rec.content_stream().read(MAX_PAGE_BYTES + 1)
                if len(body) > MAX_PAGE_BYTES:
                    continue
                pages[headers.get_header("WARC-Record-ID")] = Capture(
                    site, headers.get_header("WARC-Target-URI") or "", body,
                    _date(headers.get_header("WARC-Date")))
            elif rec.rec_type == "metadata" and headers.get_header("Content-Type") == AD_RECORD_TYPE:
                page = pages.get(headers.get_header("WARC-Concurrent-To") or "")
                if page is not None:
                    try:
                        page.archived.append(json.loads(rec.content_stream().read(MAX_PAGE_BYTES)))
                    except ValueError:
                        continue
    yield from pages.values()


def page_records(capture: Capture, site: SiteSettings | None) -> tuple[list[dict[str, Any]], list[str]]:
    """Ad records of a page, read with today's page functions when its site is still configured."""
    if site is None:
        html = capture.body.decode("utf-8", "replace")
        return [r if "html" in r else {**r, "html": html} for r in capture.archived], []
    when = capture.fetched_at
    if site.kind == "json_api":
        result = parse_api_page(capture.url, capture.body, site, scraped_at=when)
    elif site.listing.cards:
        result = parse_listing(capture.url, capture.body.decode("utf-8", "replace"), site, scraped_at=when)
    else:
        result = parse_detail(capture.url, capture.body.decode("utf-8", "replace"), site, scraped_at=when)
    return result.records, result.problems


def _apply(ingestor: Ingestor, db: Database, record: AdRecord) -> str:
    outcome = ingestor.reextract(record)
    if outcome is not None:
        return outcome.status
    with db.session() as s:
        last_seen = s.execute(select(Ad.last_seen).where(Ad.url == record.url)).scalar_one_or_none()
    if last_seen is not None and record.scraped_at <= last_seen:
        return "older"
    return ingestor.ingest(record, []).status


def replay_archives(paths: list[Path], settings: Settings, db: Database,
                    progress: Callable[..., Any] | None = None) -> ReplayReport:
    report = ReplayReport()
    files = archive_files(paths)
    sites = {s.slug: s for s in settings.sites}
    ingestor = Ingestor(settings, db)
    with RunRecorder(db, "import") as run:
        bar = progress("re-reading archives", len(files)) if progress else None
        tick = bar.__enter__() if bar else (lambda *a, **k: None)
        try:
            for path in files:
                report.files += 1
                try:
                    for capture in captures(path):
                        report.pages += 1
                        _replay_page(capture, sites, ingestor, db, report)
                except (OSError, ValueError) as exc:
                    report.problem(f"{path}: unreadable archive ({exc})")
                tick()
        finally:
            if bar:
                bar.__exit__(None, None, None)
        ingestor.tally.statuses.update({k: v for k, v in report.statuses.items()
                                        if k in ("older", "skipped")})
        run.finish_from(ingestor.tally, pages=report.pages, message=f"archive replay: {report.summary()}")
    return report


def _replay_page(capture: Capture, sites: dict[str, SiteSettings], ingestor: Ingestor,
                 db: Database, report: ReplayReport) -> None:
    try:
        records, problems = page_records(capture, sites.get(capture.site))
    except InputError as exc:
        report.problem(f"{capture.url}: {exc}")
        return
    for problem in problems:
        report.problem(problem)
    for obj in records:
        report.records += 1
        try:
            record = parse_record(obj, capture.fetched_at)
        except InputError as exc:
            report.problem(f"{capture.url}: {exc}")
            continue
        report.statuses[_apply(ingestor, db, record)] += 1

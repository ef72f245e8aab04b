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

from videre.core.batches import batches
from videre.core.config import Settings
from videre.core.errors import InputError
from videre.core.site_config import SiteSettings
from videre.extract.normalise.memo import warm
from videre.extract.pages.html import parse_detail, parse_listing
from videre.extract.pages.json_api import parse_api_page
from videre.extract.records import parse_record
from videre.store.archive import read_archive
from videre.store.db import Database
from videre.store.ingest import Ingestor
from videre.store.prepared import PrepareConfig, Prepared, prepare
from videre.store.process_pool import ordered_map, worker_count
from videre.store.run_record import RunRecorder

MAX_PAGE_BYTES = 20_000_000
MAX_PROBLEMS = 200
# Archived pages per worker task and per transaction.
PAGES_PER_BATCH = 200


@dataclass
class Capture:
    site: str
    url: str
    body: bytes
    fetched_at: datetime
    # The ad records written with the page, as archived (JSON): decoded only where they are read.
    archived_json: list[bytes] = field(default_factory=list)

    @property
    def archived(self) -> list[dict[str, Any]]:
        """The ad records archived with the page; one that is not a JSON object is left out."""
        out = []
        for payload in self.archived_json:
            try:
                record = json.loads(payload)
            except ValueError:
                continue
            if isinstance(record, dict):
                out.append(record)
        return out


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


def captures(path: Path) -> Iterator[Capture]:
    """The pages of one WARC file that ads were read from, each with the ad records archived with it."""
    pages: dict[str, Capture] = {}
    with_ads: dict[str, Capture] = {}
    for rec in read_archive(path, max_payload=MAX_PAGE_BYTES):
        if rec.kind == "response" and not rec.skipped and not rec.is_binary:
            pages[rec.record_id] = Capture(rec.site, rec.url, rec.payload, rec.date or datetime.now(timezone.utc))
        elif rec.is_ad and (page := pages.get(rec.concurrent_to)) is not None:
            page.archived_json.append(rec.payload)
            with_ads[rec.concurrent_to] = page
    # Listing pages, photos and API answers are archived too; only pages that gave ads are replayed.
    yield from with_ads.values()


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
    if site.api_reveal is not None:
        # The phone came from the site's API, not the page: take it from the archived record.
        revealed = {r.get("url"): r.get(site.api_reveal.field) for r in capture.archived}
        for record in result.records:
            if not record.get(site.api_reveal.field) and revealed.get(record["url"]):
                record[site.api_reveal.field] = revealed[record["url"]]
    return result.records, result.problems


@dataclass(frozen=True)
class PageOutcome:
    """One archived page after its worker: its ads ready to store, and what could not be read."""

    prepared: list[Prepared]
    problems: list[str]
    records: int


def prepare_page(capture: Capture, sites: dict[str, SiteSettings], config: PrepareConfig) -> PageOutcome:
    """Read one archived page with today's page functions and extract its ads (pure CPU work)."""
    try:
        objs, problems = page_records(capture, sites.get(capture.site))
    except InputError as exc:
        return PageOutcome([], [f"{capture.url}: {exc}"], 0)
    except Exception as exc:  # noqa: BLE001 - one unreadable page must not end the replay
        return PageOutcome([], [f"{capture.url}: cannot read page: {type(exc).__name__}: {exc}"], 0)
    prepared: list[Prepared] = []
    for obj in objs:
        try:
            prepared.append(prepare(parse_record(obj, capture.fetched_at), [], config))
        except InputError as exc:
            problems.append(f"{capture.url}: {exc}")
    return PageOutcome(prepared, list(problems), len(objs))


_WORKER: dict[str, Any] = {}


def _worker_init(sites: dict[str, SiteSettings], config: PrepareConfig) -> None:
    _WORKER.update(sites=sites, config=config)


def _worker_pages(pages: list[Capture]) -> list[PageOutcome]:
    return [prepare_page(c, _WORKER["sites"], _WORKER["config"]) for c in pages]


def _files_captures(files: list[Path], report: ReplayReport, tick: Callable[..., Any]) -> Iterator[Capture]:
    for path in files:
        report.files += 1
        try:
            yield from captures(path)
        except (OSError, ValueError) as exc:
            report.problem(f"{path}: unreadable archive ({exc})")
        tick()


def _capture_bytes(capture: Capture) -> int:
    return len(capture.body) + sum(map(len, capture.archived_json))


def _page_chunks(files: list[Path], report: ReplayReport, tick: Callable[..., Any]) -> Iterator[list[Capture]]:
    """The files' pages, `PAGES_PER_BATCH` at most a batch and bounded in bytes (videre.core.batches)."""
    return batches(_files_captures(files, report, tick), PAGES_PER_BATCH, _capture_bytes)


def replay_archives(paths: list[Path], settings: Settings, db: Database,
                    progress: Callable[..., Any] | None = None, workers: int | None = None) -> ReplayReport:
    report = ReplayReport()
    files = archive_files(paths)
    sites = {s.slug: s for s in settings.sites}
    ingestor = Ingestor(settings, db)
    workers = worker_count() if workers is None else workers
    with RunRecorder(db, "import") as run:
        bar = progress("re-reading archives", len(files)) if progress else None
        tick = bar.__enter__() if bar else (lambda *a, **k: None)
        try:
            chunks = _page_chunks(files, report, tick)
            if workers:
                warm(ingestor.config.region)
            for outcomes in ordered_map(_worker_pages, chunks, workers, _worker_init, (sites, ingestor.config)):
                _store_batch(outcomes, ingestor, report)
        finally:
            if bar:
                bar.__exit__(None, None, None)
        ingestor.tally.statuses.update({k: v for k, v in report.statuses.items()
                                        if k in ("older", "skipped")})
        run.finish_from(ingestor.tally, pages=report.pages, message=f"archive replay: {report.summary()}")
    return report


def _store_batch(outcomes: list[PageOutcome], ingestor: Ingestor, report: ReplayReport) -> None:
    """One transaction for the ads of a batch of pages."""
    batch: list[Prepared] = []
    for page in outcomes:
        report.pages += 1
        report.records += page.records
        for problem in page.problems:
            report.problem(problem)
        batch.extend(page.prepared)
    for status in ingestor.replay(batch):
        report.statuses[status] += 1

"""One Run row per site per crawl (models.ops.Run), kept by a Scrapy extension.

The row is opened when the spider opens and closed with its counts when it closes. Spiders and
pipelines report problems through the `crawl_problem` signal; the store pipeline hands over its
ingest tally through `ingest_finished` as it closes, which Scrapy does before `spider_closed`.
"""

from __future__ import annotations

import logging
from contextlib import ExitStack
from datetime import datetime, timezone
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from sqlalchemy.exc import SQLAlchemyError
from twisted.internet import task
from twisted.python.failure import Failure

from crawler.settings import obeys_robots
from crawler.site_check import check_crawl_run, expected_fields
from models.ops import Run
from videre.core.config import Settings
from videre.store.db import Database
from videre.store.ingest import IngestTally
from videre.store.page_memory import mark_gone
from videre.store.run_record import RunRecorder

logger = logging.getLogger(__name__)

# Signals: crawl_problem(kind, where, message), ingest_finished(tally), run_started(site, run_id),
# crawl_progress(site, run_id, pages, ads, errors).
crawl_problem = object()
ingest_finished = object()
run_started = object()
crawl_progress = object()

PAGES_STAT = "videre/pages"
ROBOTS_STAT = "videre/robots_forbidden"
RUN_ID_STAT = "videre/run_id"
ARCHIVE_STAT = "videre/archive"

# How each way a spider can close shows in the Run row.
_CLOSE_STATUS = {
    "finished": None,  # ok, or partial when there were errors
    "closespider_timeout": "partial",
    "shutdown": "interrupted",
}
# Errors after which some ad may have gone unseen: then no ad is marked gone this time.
_MISSED_AD_ERRORS = frozenset({"fetch", "parse", "pipeline", "record", "spider"})


def merge(into: IngestTally, other: IngestTally) -> None:
    into.statuses.update(other.statuses)
    into.photos += other.photos
    for sample in other.samples:
        into.error(sample["kind"], sample["where"], sample["message"])
    # error() counted the sampled errors already; add the rest of each kind.
    sampled: dict[str, int] = {}
    for sample in other.samples:
        sampled[sample["kind"]] = sampled.get(sample["kind"], 0) + 1
    for kind, count in other.errors.items():
        into.errors[kind] += count - sampled.get(kind, 0)


def run_outcome(reason: str, tally: IngestTally, pages: int) -> tuple[str, str, list[str]]:
    """Status, message and warnings for a run that closed for `reason` with these counts."""
    ads = sum(tally.statuses.values())
    warnings: list[str] = []
    if reason in _CLOSE_STATUS and _CLOSE_STATUS[reason]:
        status = _CLOSE_STATUS[reason]
    elif reason != "finished":
        status = "failed"
    else:
        status = "partial" if tally.errors else "ok"
    if reason == "finished" and ads == 0:
        # A configured site that gives nothing is broken (layout, robots, browser), never "ok".
        status = "failed"
        warnings.append("no ads stored: is the site down, or has its layout changed?"
                        if pages else "no page could be fetched")
    messages = {"closespider_timeout": "stopped at crawl.run_timeout_s",
                "shutdown": "stopped by a signal before the end; the next crawl picks up where it stopped"}
    return status, messages.get(reason, "" if reason == "finished" else f"closed: {reason}"), warnings


class CrawlRunLog:
    """Scrapy extension: the Run row of one site's crawl."""

    def __init__(self, crawler: Crawler, settings: Settings, site: str) -> None:
        self.crawler = crawler
        self.settings = settings
        self.site = site
        self.tally = IngestTally()
        self.ingest: IngestTally | None = None
        self._stack = ExitStack()
        self._db: Database | None = None
        self._recorder: RunRecorder | None = None
        self.started = datetime.now(timezone.utc)
        self.ads = 0
        self._ticker: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "CrawlRunLog":
        ext = cls(crawler, crawler.settings["VIDERE_SETTINGS"], crawler.settings["VIDERE_SITE"])
        connect = crawler.signals.connect
        connect(ext.opened, signal=signals.spider_opened)
        connect(ext.closed, signal=signals.spider_closed)
        connect(ext.spider_error, signal=signals.spider_error)
        connect(ext.item_error, signal=signals.item_error)
        connect(ext.problem, signal=crawl_problem)
        connect(ext.ingest_done, signal=ingest_finished)
        connect(ext.item_scraped, signal=signals.item_scraped)
        return ext

    def opened(self, spider: Spider) -> None:
        # Before any ad is seen: an ad whose last sighting is older was not seen by this run.
        self.started = datetime.now(timezone.utc)
        self._db = Database.from_settings(self.settings)
        self._recorder = self._stack.enter_context(RunRecorder(self._db, "crawl", self.site))
        self.crawler.stats.set_value(RUN_ID_STAT, self._recorder.run_id)
        self.crawler.signals.send_catch_log(run_started, site=self.site, run_id=self._recorder.run_id)
        self._ticker = task.LoopingCall(self.report_progress)
        self._ticker.start(self.settings.crawl.progress_interval_s, now=False)

    def item_scraped(self, item: Any, response: Response | None, spider: Spider) -> None:
        self.ads += 1

    def report_progress(self) -> None:
        """Pages, ads and errors so far: to the terminal (through crawl_progress) and the Run row."""
        if self._recorder is None or self._db is None:
            return
        pages = int(self.crawler.stats.get_value(PAGES_STAT, 0))
        errors = {k: n for k, n in self.tally.errors.items() if n}
        # The row first: whoever hears of this progress (the terminal, `videre runs`) finds it there.
        try:
            with self._db.session() as s:
                run = s.get(Run, self._recorder.run_id)
                if run is not None and run.status == "running":
                    run.pages, run.errors = pages, errors
                    run.message = f"running: {pages} pages, {self.ads} ads, {sum(errors.values())} errors so far"
        except SQLAlchemyError as exc:
            # A busy database must not stop the crawl; the next report tries again.
            logger.warning("progress of run %s not recorded: %s", self._recorder.run_id, exc)
        self.crawler.signals.send_catch_log(crawl_progress, site=self.site, run_id=self._recorder.run_id,
                                            pages=pages, ads=self.ads, errors=errors)

    def problem(self, kind: str, where: str, message: str) -> None:
        self.tally.error(kind, where, message)

    def spider_error(self, failure: Failure, response: Response, spider: Spider) -> None:
        self.tally.error("spider", response.url, f"{failure.type.__name__}: {failure.getErrorMessage()}")

    def item_error(self, item: Any, response: Response | None, spider: Spider, failure: Failure) -> None:
        where = item.get("url", "?") if isinstance(item, dict) else "?"
        self.tally.error("pipeline", str(where), f"{failure.type.__name__}: {failure.getErrorMessage()}")

    def ingest_done(self, tally: IngestTally) -> None:
        self.ingest = tally

    def closed(self, spider: Spider, reason: str) -> None:
        if self._ticker is not None and self._ticker.running:
            self._ticker.stop()
        if self._recorder is None:
            return
        # Once more at the end: a crawl shorter than the interval still reports what it did
        # while its run is open.
        self.report_progress()
        stats = self.crawler.stats
        total = IngestTally()
        merge(total, self.tally)
        if self.ingest is not None:
            merge(total, self.ingest)
        pages = int(stats.get_value(PAGES_STAT, 0))
        status, message, warnings = run_outcome(reason, total, pages)
        if forbidden := int(stats.get_value(ROBOTS_STAT, 0)):
            warnings.append(f"{forbidden} pages not fetched: the site's robots.txt forbids them")
        truncated = list(getattr(spider, "truncated", []))
        warnings += [f"not the whole site: {why}" for why in truncated]
        if truncated and status == "ok":
            status = "partial"
        site = self.settings.site(self.site)
        notes = [message] if message else []
        if not obeys_robots(self.settings, site):
            notes.append(f"robots.txt not obeyed: {site.robots_reason}")
        if archive := stats.get_value(ARCHIVE_STAT):
            notes.append(f"archive: {archive}")
        self._recorder.finish_from(total, pages=pages, status=status, message="; ".join(notes),
                                   warnings=warnings)
        complete = (reason == "finished" and getattr(spider, "complete", False)
                    and not _MISSED_AD_ERRORS.intersection(k for k, n in total.errors.items() if n))
        try:
            self._stack.close()
            self._after(site.fields, complete)
        finally:
            if self._db is not None:
                self._db.dispose()

    def _after(self, fields: dict[str, str], complete: bool) -> None:
        """Once the row is closed: compare it with the nights before ("site changed?"), and, after
        a complete walk that looks like them, mark the ads it did not see as gone."""
        assert self._db is not None and self._recorder is not None and self._recorder.run_id is not None
        with self._db.session() as s:
            found = check_crawl_run(s, self._recorder.run_id, self.settings.crawl.site_check,
                                    expected_fields(fields))
            run = s.get(Run, self._recorder.run_id)
            assert run is not None
            if found and run.status == "ok":
                run.status = "partial"
            if complete and not found and run.status in ("ok", "partial"):
                run.ads_gone = mark_gone(s, self.site, self.started, datetime.now(timezone.utc))

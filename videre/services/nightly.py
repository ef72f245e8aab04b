"""The nightly sequence: crawl -> incremental re-score -> watchlist check, recorded as one run.

It holds the ops lock for its whole length, so two nightly runs never overlap, even from two
processes or machines. A run that finds the lock taken records itself as skipped and returns.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.process import CrawlResult
from models.ops import Run
from videre.core.config import Settings
from videre.services.run_history import record_skipped
from videre.store.db import Database
from videre.store.oplock import LockBusy, OpsLock
from videre.store.run_record import RunRecorder, close_dead_runs

log = logging.getLogger(__name__)

OK = ("ok", "partial")
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


class CrawlStep(Protocol):
    def __call__(self, settings: Settings, slugs: Sequence[str], *, timeout_s: float,
                 stop: threading.Event) -> CrawlResult: ...


@dataclass
class NightlyReport:
    status: str
    run_id: int | None = None
    sites: list[str] = field(default_factory=list)
    crawl_runs: list[dict[str, Any]] = field(default_factory=list)
    rescored: Any = None  # triage.rescore.RescoreResult
    watch_hits: int | None = None
    warnings: list[str] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    message: str = ""


def crawl_subprocess(settings: Settings, slugs: Sequence[str], *, timeout_s: float,
                     stop: threading.Event) -> CrawlResult:
    from crawler.process import crawl_in_subprocess

    return crawl_in_subprocess(settings, slugs, timeout_s=timeout_s, stop=stop)


def scheduled_sites(settings: Settings, own_cron: bool = False) -> list[str]:
    """Enabled sites the whole-crawl job covers, or (own_cron) those with a cron of their own."""
    crons = settings.schedule.site_crons
    return [s.slug for s in settings.sites if s.enabled and (s.slug in crons) == own_cron]


def watch_checker() -> Callable[[Session, datetime], int]:
    """The watchlist check (new alerts since a time); a function so tests can stand in for it."""
    from videre.services.watchlists import check_watchlists

    return check_watchlists


def nightly(settings: Settings, db: Database, sites: Sequence[str] | None = None, *,
            stop: threading.Event | None = None, crawl: CrawlStep | None = None) -> NightlyReport:
    """Crawl `sites` (default: every enabled site), re-score what changed, check the watchlists."""
    stop = stop or threading.Event()
    crawl = crawl or crawl_subprocess
    slugs = list(sites) if sites is not None else [s.slug for s in settings.sites if s.enabled]
    lock = OpsLock(db, settings.path("locks"), purpose="nightly run")
    try:
        lock.acquire()
    except LockBusy as exc:
        log.warning("nightly run skipped: %s", exc)
        return NightlyReport("skipped", record_skipped(db, "nightly", f"skipped: {exc}"), slugs,
                             message=str(exc))
    try:
        with db.session() as s:
            orphans = close_dead_runs(s)
        report = NightlyReport("running", sites=slugs)
        with RunRecorder(db, "nightly") as run:
            report.run_id = run.run_id
            if orphans:
                report.warnings.append(f"closed {len(orphans)} run(s) left open by a dead process: "
                                       + ", ".join(f"#{i}" for i in orphans))
            since = _last_checked(db)
            _crawl(settings, slugs, stop, crawl, report)
            if not stop.is_set():
                _rescore(settings, db, report)
                _watch(db, since, report)
            report.status = _status(report, stop)
            report.message = _message(report)
            run.update(status=report.status, message=report.message, warnings=report.warnings,
                       errors=dict(report.errors), **_totals(report.crawl_runs))
        return report
    finally:
        lock.release()


def _last_checked(db: Database) -> datetime:
    """Where the watchlist check starts: the start of the last night that got as far as it, so a
    night that was killed or stopped leaves nothing unchecked (the check never alerts twice)."""
    with db.session() as s:
        last = s.execute(select(Run.started_at).where(Run.kind == "nightly", Run.status.in_(OK))
                         .order_by(Run.started_at.desc()).limit(1)).scalar_one_or_none()
    return last or EPOCH


def _crawl(settings: Settings, slugs: list[str], stop: threading.Event, crawl: CrawlStep,
           report: NightlyReport) -> None:
    if not slugs:
        report.warnings.append("no enabled sites to crawl")
        return
    try:
        result = crawl(settings, slugs, timeout_s=settings.crawl.run_timeout_s, stop=stop)
    except Exception as exc:  # noqa: BLE001 - the rest of the night still runs
        log.exception("crawl failed")
        report.errors["crawl"] += 1
        report.warnings.append(f"crawl could not run: {type(exc).__name__}: {exc}"[:500])
        return
    if result.timed_out:
        report.warnings.append(f"crawl stopped at the time limit ({settings.crawl.run_timeout_s:g} s)")
    # Each site's run carries its own warnings, "site changed?" among them (crawler.run_tracker).
    for summary in result.runs:
        report.crawl_runs.append(summary)
        for kind, n in (summary.get("errors") or {}).items():
            report.errors[f"crawl.{kind}"] += int(n)
        report.warnings += [f"{summary.get('site')}: {w}" for w in summary.get("warnings", [])]
        if summary.get("status") not in OK:
            report.warnings.append(f"{summary.get('site')}: crawl {summary.get('status')}"
                                   + (f" ({summary['message']})" if summary.get("message") else ""))


def _rescore(settings: Settings, db: Database, report: NightlyReport) -> None:
    try:
        from triage.rescore import rescore

        report.rescored = rescore(settings, db, full=False)
        # Rebuild the queue's filter index now, so no analyst waits for it in the morning.
        from videre.services.facets import refresh_queue_index

        with db.session() as session:
            refresh_queue_index(session)
    except Exception as exc:  # noqa: BLE001 - recorded; the watchlists still get checked
        log.exception("re-score failed")
        report.errors["rescore"] += 1
        report.warnings.append(f"re-score failed: {type(exc).__name__}: {exc}"[:500])


def _watch(db: Database, since: datetime, report: NightlyReport) -> None:
    try:
        check = watch_checker()
        with db.session() as s:
            report.watch_hits = int(check(s, since))
    except Exception as exc:  # noqa: BLE001
        log.exception("watchlist check failed")
        report.errors["watch"] += 1
        report.warnings.append(f"watchlist check failed: {type(exc).__name__}: {exc}"[:500])


def _status(report: NightlyReport, stop: threading.Event) -> str:
    if stop.is_set():
        return "interrupted"
    crawled_ok = [r for r in report.crawl_runs if r.get("status") in OK]
    if report.sites and not crawled_ok:
        return "failed"
    return "partial" if report.errors or report.warnings else "ok"


def _totals(runs: list[dict[str, Any]]) -> dict[str, int]:
    keys = ("pages", "ads_new", "ads_changed", "ads_unchanged", "ads_gone", "photos")
    return {k: sum(int(r.get(k) or 0) for r in runs) for k in keys}


def _message(report: NightlyReport) -> str:
    states = Counter(str(r.get("status")) for r in report.crawl_runs)
    parts = [f"{len(report.sites)} site(s): " + (", ".join(f"{n} {s}" for s, n in sorted(states.items()))
                                                 or "none crawled")]
    if report.rescored is not None:
        r = report.rescored
        parts.append(f"re-score: {r.clusters} clusters, {r.flagged} flagged")
    if report.watch_hits is not None:
        parts.append(f"watchlists: {report.watch_hits} hit(s)")
    return "; ".join(parts)

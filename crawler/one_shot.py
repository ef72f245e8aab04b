"""All of `videre crawl` in the crawl process itself (`python -m crawler --one-shot`).

The command hands its process over to this (`App.hand_over`, `crawler.process.one_shot_argv`): one
process reads the settings, checks the schema, takes the ops lock, crawls and prints the summary,
so the settings and the database layer load once, not in a parent and again in its child
(docs/architecture.md "The processes of one crawl"; bench/README.md, crawl). The scheduler and
`videre worker` still start their crawls as children (crawler/process.py): they outlive them.

What the parent did for its child, this does for itself: it keeps a time limit behind the
spiders' own (`TimeLimit`), and it holds the ops lock until it ends, however it ends.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from crawler.crawl_process import crawl_runs, load_the_rest
from crawler.process import KILLED_AT_LIMIT, START_SLACK_S, CrawlResult, exit_status, mark_unfinished, select_sites
from videre.core.errors import CrawlError, VidereError
from videre.core.fast_exit import exit_now

if TYPE_CHECKING:
    from videre.store.db import Database


class TimeLimit:
    """A crawl's time limit behind its spiders' own: they close at the run's limit themselves, and
    this acts only on a crawl still going `limit_s` after it began. Then it asks the crawl to stop
    as a parent would (SIGTERM: Scrapy closes the spiders and records their runs); if it has not
    ended `grace_s` later, the runs are marked killed and the process ends with status 1, which
    frees its lock."""

    def __init__(self, db: Database, run_ids: list[int], limit_s: float, grace_s: float) -> None:
        self.db = db
        self.run_ids = run_ids
        self.limit_s = limit_s
        self.grace_s = grace_s
        self.hit = False
        self._ended = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="videre-time-limit", daemon=True)

    def __enter__(self) -> TimeLimit:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._ended.set()

    def _watch(self) -> None:
        if self._ended.wait(self.limit_s):
            return
        self.hit = True
        print(f"error: the crawl is still going {self.limit_s:.0f} s after it began; stopping it",
              file=sys.stderr, flush=True)
        os.kill(os.getpid(), signal.SIGTERM)
        if self._ended.wait(self.grace_s):
            return
        mark_unfinished(self.db, self.run_ids, "killed", KILLED_AT_LIMIT)
        print(f"error: the crawl did not stop within {self.grace_s:.0f} s (schedule.stop_grace_s); "
              "its runs are marked killed", file=sys.stderr, flush=True)
        self.db.dispose()
        exit_now(1)


def close_runs_left_open(db: Database) -> None:
    """Mark the runs a killed crawl left "running" as killed; only under the ops lock."""
    from videre.store.run_record import close_dead_runs

    with db.session() as s:
        if dead := close_dead_runs(s):
            print(f"closed {len(dead)} run(s) a killed crawl left open: " + ", ".join(f"#{i}" for i in dead),
                  file=sys.stderr, flush=True)


def crawl_one_shot(config: str, slugs: Sequence[str], log_level: str, timeout_s: float | None) -> int:
    """Check, lock, crawl and report; the exit status of `videre crawl` (0 all went well, 1 a site
    failed or stopped early, 2 nothing could start)."""
    from crawler.photo_workers import photo_pool
    from crawler.report import LiveProgress, print_summary
    from videre.core.config import load_settings
    from videre.store.db import Database
    from videre.store.oplock import OpsLock

    db = None
    try:
        settings = load_settings(config)
        sites = select_sites(settings, slugs)
        # The schema is checked here, and brought up to date (Alembic loads only then).
        db = Database.from_settings(settings)
        # Never beside the nightly run, an import or a purge (a busy lock says who holds it);
        # held until this process ends, killed or not (videre/store/oplock.py).
        lock = OpsLock(db, settings.path("locks"), purpose="crawl")
        lock.acquire()
        lock.hold_until_exit()
    except VidereError as exc:
        print(f"error: {exc}", file=sys.stderr)
        if db is not None:
            db.dispose()
        return 2
    photo_pool()  # the workers load the imaging code on the other core while this loads Scrapy
    load_the_rest()
    run_ids: list[int] = []
    live = LiveProgress()

    def emit(event: dict[str, Any]) -> None:
        if event["event"] == "started":
            run_ids.append(event["run_id"])
        live.update(event)

    run_timeout = timeout_s if timeout_s is not None else settings.crawl.run_timeout_s
    begun = time.monotonic()
    try:
        # Under the ops lock: the runs a killed crawl left open are closed first.
        close_runs_left_open(db)
        with TimeLimit(db, run_ids, run_timeout + START_SLACK_S, settings.schedule.stop_grace_s) as limit, live:
            runs = crawl_runs(settings, sites, db, emit, log_level, timeout_s)
    except CrawlError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        db.dispose()
    status = exit_status(runs)
    print_summary(CrawlResult(status, runs, round(time.monotonic() - begun, 2), limit.hit))
    return status

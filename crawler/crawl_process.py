"""The crawl process itself: `python -m crawler --config PATH [--site SLUG ...]`.

One crawl in this process (a Twisted reactor cannot be restarted). Started by a parent's
`crawler.process.CrawlChild`, it prints one JSON line per event on stdout (`started` as each
site's Run row opens, `summary` at the end) and logs on stderr; with `--wait-go` it loads Scrapy,
the ORM and the pipelines, and starts its photo workers, but touches neither the database nor a
lock file until the parent writes `go` on its stdin (crawler/process.py; start-up time,
bench/README.md "Crawl"). With `--one-shot` it is all of `videre crawl` (crawler/one_shot.py)."""

from __future__ import annotations

import argparse
import ctypes
import gc
import importlib
import json
import os
import signal
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import IO, TYPE_CHECKING, Any

from crawler.process import GO, LOG_LEVELS, exit_status, mark_unfinished, runs_summary, select_sites
from videre.core.errors import CrawlError, VidereError
from videre.core.fast_exit import exit_now

if TYPE_CHECKING:
    from videre.core.config import Settings
    from videre.core.site_config import SiteSettings
    from videre.store.db import Database

PR_SET_PDEATHSIG = 1
# A crawl allocates fast (responses, selectors, items, futures): at Python's default of 700
# allocations, young collections ran about 250 times in a crawl of 125 ads, 0.10-0.12 s of the
# crawl process's CPU; at 20,000, 4-5 times, 0.02-0.03 s (bench/README.md, crawl). Cyclic
# garbage waits a little longer to be freed: a few responses' worth.
GC_YOUNG_THRESHOLD = 20_000
# What a crawl loads anyway, loaded before it starts (while a parent checks the schema, for a
# crawl child), then frozen (load_the_rest).
WARM_MODULES = ("scrapy.crawler", "crawler.pipelines", "crawler.spiders", "crawler.run_tracker",
                "crawler.settings", "crawler.offsite", "crawler.robots", "crawler.setup",
                "crawler.incremental", "videre.store.run_record", "models")


def _emit(event: dict[str, Any], out: IO[str]) -> None:
    # ASCII whatever the locale: the parent reads these lines back.
    out.write(json.dumps(event) + "\n")
    out.flush()


def crawl_here(settings: Settings, sites: Sequence[SiteSettings], db: Database,
               emit: Callable[[dict[str, Any]], None], log_level: str = "WARNING",
               timeout_s: float | None = None) -> list[int]:
    """Crawl the sites side by side in this process; return the ids of their Run rows. `emit` gets
    the events: `started` as each site's Run row opens, and each site's `progress`.

    Only call this in a process of its own (it installs and runs the reactor).
    """
    from scrapy.crawler import AsyncCrawlerProcess, Crawler

    from crawler.run_tracker import crawl_progress, run_started
    from crawler.settings import process_settings, site_settings
    from crawler.spiders import spider_class
    from videre.store.run_record import RunRecorder

    run_ids: list[int] = []

    def started(site: str, run_id: int) -> None:
        run_ids.append(run_id)
        emit({"event": "started", "site": site, "run_id": run_id})

    def progress(site: str, run_id: int, pages: int, ads: int, errors: dict[str, int]) -> None:
        emit({"event": "progress", "site": site, "run_id": run_id, "pages": pages, "ads": ads,
              "errors": errors})

    process = AsyncCrawlerProcess(process_settings(log_level))
    crawlers = 0
    for site in sites:
        try:
            crawler = Crawler(spider_class(site), site_settings(settings, site, log_level, timeout_s))
        except VidereError as exc:
            # A site that cannot even start still gets its Run row, so operators see why.
            with RunRecorder(db, "crawl", site.slug) as recorder:
                recorder.update(status="failed", message=str(exc)[:2000])
            started(site.slug, recorder.run_id or 0)
            continue
        crawler.signals.connect(started, signal=run_started)
        crawler.signals.connect(progress, signal=crawl_progress)
        process.crawl(crawler, site=site)
        crawlers += 1
    if crawlers:
        process.start()
    return run_ids


def _die_with_parent(parent: int) -> None:
    """Linux: get SIGTERM when the parent dies, so a crawl never outlives a killed scheduler and
    runs beside the next one. Elsewhere a no-op."""
    try:
        # This process's own symbols, libc's among them: find_library would run `ldconfig -p`.
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # it died before prctl took effect
        os.kill(os.getpid(), signal.SIGTERM)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler", description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True, help="config.yaml with the sites")
    parser.add_argument("--site", action="append", default=[], help="site slug (repeatable; default all)")
    parser.add_argument("--log-level", default="WARNING", choices=LOG_LEVELS)
    parser.add_argument("--timeout", type=float, default=None,
                        help="close the spiders after this many seconds (default: crawl.run_timeout_s)")
    parser.add_argument("--parent", type=int, default=None, help="stop when this process dies")
    parser.add_argument("--child-lock", default=None,
                        help="the lock this process holds until it ends (one per site in a distributed crawl; "
                             "default: the crawl child's lock)")
    parser.add_argument("--wait-go", action="store_true",
                        help="load what the crawl needs, then wait for a line `go` on stdin before touching "
                             "the database or a lock (end quietly without it)")
    parser.add_argument("--progress", default=None, help="append progress events (JSON lines) to this file")
    parser.add_argument("--one-shot", action="store_true",
                        help="all of `videre crawl` here: check the schema, take the ops lock, crawl, print "
                             "the summary (crawler/one_shot.py)")
    args = parser.parse_args(argv)
    if args.one_shot and (args.parent or args.wait_go or args.child_lock or args.progress):
        parser.error("--one-shot has no parent: it takes --config, --site, --log-level and --timeout")
    if args.parent:
        _die_with_parent(args.parent)
    # Not while loading: collections would walk what the imports made again and again (gen2 sweeps
    # of every module's objects), about 0.2 s CPU of this process's start and crawl; what is
    # loaded is then frozen out of collection for the run (load_the_rest; bench/README.md, crawl).
    gc.disable()
    if args.one_shot:
        from crawler.one_shot import crawl_one_shot

        return crawl_one_shot(args.config, args.site, args.log_level, args.timeout)
    # First, so that the photo workers start and load their imaging code on another core while
    # this process loads the rest: on the parent's go if it is to be waited for (photo_workers).
    from crawler.photo_workers import GoLine, photo_pool

    go = GoLine(sys.stdin, GO) if args.wait_go else None
    if go is None:
        photo_pool()
    from videre.core.config import load_settings
    from videre.store.db import Database, assume_current
    from videre.store.oplock import CRAWL_CHILD_LOCK, OpsLock

    try:
        settings = load_settings(args.config)
        sites = select_sites(settings, args.site)
        load_the_rest()
        if go is not None and not go.wait():
            return 2  # the parent gave up before the crawl (it says why)
        # A parent (`videre crawl`, the scheduler) has just checked the schema: the crawl's own
        # engines skip the check, and Alembic is never loaded here.
        db = Database(settings.database.url, settings.database.echo, auto_migrate=not args.parent)
        if args.parent:
            assume_current(db.engine.url.render_as_string(hide_password=False))
        # Held until this process ends, however its parent ends (videre/store/oplock.py).
        lock = OpsLock(db, settings.path("locks"), args.child_lock or CRAWL_CHILD_LOCK, purpose="crawl subprocess")
        lock.acquire()
        lock.hold_until_exit()
    except VidereError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.parent and os.getppid() != args.parent:
        # The parent died before the lock was taken: its lock is gone, so this crawl must not run.
        print("error: the process that started this crawl has ended", file=sys.stderr)
        return 2
    try:
        progress_out = open(args.progress, "a", encoding="utf-8") if args.progress else None  # noqa: SIM115

        def emit(event: dict[str, Any]) -> None:
            # Progress to a file of its own, read as it comes; the rest on stdout, read at the end.
            _emit(event, progress_out if progress_out is not None and event["event"] == "progress"
                  else sys.stdout)

        try:
            runs = crawl_runs(settings, sites, db, emit, args.log_level, timeout_s=args.timeout)
        finally:
            if progress_out is not None:
                progress_out.close()
    except CrawlError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        db.dispose()
    _emit({"event": "summary", "runs": runs}, sys.stdout)
    return exit_status(runs)


def crawl_runs(settings: Settings, sites: Sequence[SiteSettings], db: Database,
               emit: Callable[[dict[str, Any]], None], log_level: str,
               timeout_s: float | None) -> list[dict[str, Any]]:
    """`crawl_here`, then each site's run as it ended (`crawler.process.run_summary`)."""
    run_ids = crawl_here(settings, sites, db, emit, log_level, timeout_s=timeout_s)
    # A signal that came before a spider got going stops the reactor without closing it.
    mark_unfinished(db, run_ids, "interrupted", "stopped by a signal before the spider started")
    return runs_summary(db, run_ids)


def load_the_rest() -> None:
    """Load what every crawl loads, then freeze it out of garbage collection (disabled while
    loading, `main`) and collect again, less often than Python's default (GC_YOUNG_THRESHOLD)."""
    for module in WARM_MODULES:
        importlib.import_module(module)
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])
    gc.enable()


def _exit(status: int) -> None:
    """End without the interpreter's shutdown: that would close the crawl-child lock's file or
    connection while this process still lives (videre/store/oplock.py), for seconds of thread joins;
    the kernel frees the lock as the process goes."""
    from crawler.photo_workers import close_photo_pool

    close_photo_pool()
    exit_now(status)


def run_as_main() -> None:
    """The crawl process's entry (`python -m crawler`, or this module with -m): never returns."""
    code = 1
    try:
        code = main()
    except KeyboardInterrupt:
        # Ctrl-C before the reactor runs (once it runs, Scrapy closes the spiders on it): nothing
        # was crawled, and a traceback would say nothing the user does not know.
        print("interrupted", file=sys.stderr)
        code = 130
    except BaseException:  # noqa: BLE001 - reported, then the same exit as any other
        try:
            traceback.print_exc()
        except OSError:
            pass
    finally:
        _exit(code)

"""Run a crawl in its own process: `python -m crawler --config PATH [--site SLUG ...]`.

A Twisted reactor cannot be restarted, so every crawl gets a fresh process. The child prints one
JSON line per event on stdout (`started` as each site's Run row opens, `summary` at the end) and
logs on stderr. `crawl_in_subprocess` is the parent's side: it starts the child, enforces the time
limit, and closes any Run row a killed child left open.

The child is started before its parent has checked the schema or taken the ops lock, and loads
Scrapy, the ORM and the pipelines meanwhile; it touches neither the database nor the lock files
until the parent writes `go` on its stdin (`start_crawl`, `CrawlChild.finish`). A parent that
gives up first (a busy lock, a schema it cannot bring up to date) kills it, having done nothing;
one that dies first closes the pipe, and the child ends on its own. Start-up time,
bench/README.md "Crawl".
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import importlib
import io
import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any

from videre.core.errors import ConfigError, CrawlError, VidereError

if TYPE_CHECKING:
    from models.ops import Run
    from videre.core.config import Settings, SiteSettings
    from videre.store.db import Database

# The database layer is imported where it is used: the parent starts the child before it loads
# SQLAlchemy, and the ORM (models, sessions) only where a Run row is read or written, which the
# parent of a crawl that ended normally never needs (start-up time, bench/README.md).

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
# After the time limit, or when asked to stop, the child gets SIGTERM (Scrapy closes cleanly and
# records the runs); if it has not gone schedule.stop_grace_s later, it is killed.
# The child closes its spiders at crawl.run_timeout_s itself; the parent waits this much longer.
START_SLACK_S = 60.0
POLL_S = 1.0
PR_SET_PDEATHSIG = 1
OK_STATUSES = ("ok", "partial")
# The line a child started with --wait-go waits for on stdin before it touches anything.
GO = "go"
# The warning filter the crawl process hands on to its resource tracker (CrawlChild).
RESOURCE_TRACKER_QUIET = "ignore::UserWarning:multiprocessing.resource_tracker"
# What a crawl loads anyway, loaded while the parent takes its lock (and then frozen, main).
WARM_MODULES = ("scrapy.crawler", "crawler.pipelines", "crawler.spiders", "crawler.run_tracker",
                "crawler.settings", "crawler.offsite", "crawler.robots", "crawler.setup",
                "crawler.incremental", "videre.store.run_record", "models")


@dataclass
class CrawlResult:
    returncode: int
    runs: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and all(r["status"] in OK_STATUSES for r in self.runs)


def select_sites(settings: Settings, slugs: Sequence[str]) -> list[SiteSettings]:
    """The named sites (even if disabled), or every enabled site."""
    if slugs:
        return [settings.site(slug) for slug in dict.fromkeys(slugs)]
    sites = [s for s in settings.sites if s.enabled]
    if not sites:
        raise ConfigError("no sites to crawl: add some under `sites:` in config.yaml")
    return sites


def run_summary(run: "Run") -> dict[str, Any]:
    """A Run row as the crawl command prints and returns it."""
    seconds = (run.finished_at - run.started_at).total_seconds() if run.finished_at else None
    return {
        "run_id": run.id, "site": run.site, "status": run.status, "pages": run.pages,
        "ads_new": run.ads_new, "ads_changed": run.ads_changed, "ads_unchanged": run.ads_unchanged,
        "ads_gone": run.ads_gone, "photos": run.photos, "errors": dict(run.errors or {}),
        "error_samples": list(run.error_samples or []), "warnings": list(run.warnings or []),
        "message": run.message, "seconds": round(seconds, 2) if seconds is not None else None,
    }


def runs_summary(db: Database, run_ids: Sequence[int]) -> list[dict[str, Any]]:
    from sqlalchemy import select

    from models.ops import Run

    with db.session() as s:
        runs = s.scalars(select(Run).where(Run.id.in_(list(run_ids))).order_by(Run.id)).all()
        return [run_summary(r) for r in runs]


def mark_unfinished(db: Database, run_ids: Sequence[int], status: str, message: str) -> None:
    """Close the rows a crawl process left "running" because it was killed."""
    from sqlalchemy import select

    from models.ops import Run

    now = datetime.now(timezone.utc)
    with db.session() as s:
        for run in s.scalars(select(Run).where(Run.id.in_(list(run_ids)), Run.status == "running")):
            run.status = status
            run.message = message
            run.finished_at = now


def _emit(event: dict[str, Any], out: IO[str]) -> None:
    # ASCII whatever the locale: the parent reads these lines back.
    out.write(json.dumps(event) + "\n")
    out.flush()


def crawl_here(settings: Settings, sites: Sequence[SiteSettings], db: Database,
               log_level: str = "WARNING", out: IO[str] = sys.stdout,
               timeout_s: float | None = None, progress_out: IO[str] | None = None) -> list[int]:
    """Crawl the sites side by side in this process; return the ids of their Run rows.

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
        _emit({"event": "started", "site": site, "run_id": run_id}, out)

    def progress(site: str, run_id: int, pages: int, ads: int, errors: dict[str, int]) -> None:
        _emit({"event": "progress", "site": site, "run_id": run_id, "pages": pages, "ads": ads,
               "errors": errors}, progress_out or out)

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


def crawl_in_subprocess(settings: Settings, slugs: Sequence[str] = (), *,
                        timeout_s: float | None = None, log_level: str = "WARNING",
                        stderr: IO[str] | int | None = None,
                        stop: threading.Event | None = None,
                        on_progress: Callable[[dict[str, Any]], None] | None = None,
                        child_lock: str | None = None, close_dead_runs: bool = False) -> CrawlResult:
    """Crawl in a child process and wait for it, at most `timeout_s` (default: from config).

    Setting `stop` (the scheduler's SIGTERM) asks the child to close its spiders, as the time
    limit does; what it stored stays, and the next crawl fetches only what is left.
    `close_dead_runs`: the caller holds the ops lock, and the child closes the runs a killed
    process left open before it starts (it loads the ORM anyway; this process need not).
    """
    with start_crawl(settings, slugs, timeout_s=timeout_s, log_level=log_level, stderr=stderr,
                     on_progress=on_progress, child_lock=child_lock,
                     close_dead_runs=close_dead_runs) as child:
        return child.finish(stop)


def start_crawl(settings: Settings, slugs: Sequence[str] = (), *,
                timeout_s: float | None = None, log_level: str = "WARNING",
                stderr: IO[str] | int | None = None,
                on_progress: Callable[[dict[str, Any]], None] | None = None,
                child_lock: str | None = None, close_dead_runs: bool = False) -> "CrawlChild":
    """Start the crawl process, which loads what it needs and then waits for `CrawlChild.finish`.
    Use it in a `with` block: leaving it before `finish` ends the child, which did nothing."""
    _check(settings, slugs)  # fail here, not in the child, on an unknown site
    assert settings.source is not None
    child = CrawlChild(settings.source, slugs, timeout_s=timeout_s, log_level=log_level, stderr=stderr,
                       on_progress=on_progress, child_lock=child_lock, close_dead_runs=close_dead_runs)
    child.use(settings)
    return child


def _check(settings: Settings, slugs: Sequence[str]) -> None:
    if settings.source is None:
        raise ConfigError("crawling needs a config file that lists the sites (--config PATH)")
    select_sites(settings, slugs)


class CrawlChild:
    """A crawl process started and waiting for its go (module docstring).

    Started from the config file's path alone, it reads the settings itself, and may be started
    before this process has loaded them (`videre crawl`); `use` gives it this process's copy, and
    refuses what the child would refuse (an unknown site) before it is let go."""

    def __init__(self, source: Path, slugs: Sequence[str], *, timeout_s: float | None, log_level: str,
                 stderr: IO[str] | int | None, on_progress: Callable[[dict[str, Any]], None] | None,
                 child_lock: str | None, close_dead_runs: bool) -> None:
        self.slugs = list(slugs)
        self.timeout_s = timeout_s
        self._settings: Settings | None = None
        self.gone = False
        # `-m crawler`, not `-m crawler.process`: multiprocessing imports a main module run with -m
        # again in each photo worker, unless it is a package's __main__ (crawler/__main__.py).
        # Without --timeout the child closes its spiders at crawl.run_timeout_s, as `run_timeout`.
        # -W: a child killed with its photo pool open (given up on before its go, or at the time
        # limit) leaves the pool's semaphores to multiprocessing's resource tracker, which frees
        # them, and would say so on stderr after the parent's own message.
        cmd = [sys.executable, "-W", RESOURCE_TRACKER_QUIET, "-m", "crawler", "--config", str(source),
               "--log-level", log_level, "--parent", str(os.getpid()), "--wait-go"]
        if timeout_s is not None:
            cmd += ["--timeout", str(timeout_s)]
        for slug in self.slugs:
            cmd += ["--site", slug]
        if child_lock is not None:
            cmd += ["--child-lock", child_lock]
        if close_dead_runs:
            cmd.append("--close-dead-runs")
        self.feed = _ProgressFeed(on_progress) if on_progress is not None else None
        if self.feed is not None:
            cmd += ["--progress", str(self.feed.path)]
        err_target, self.copy_to = _stderr_target(stderr)
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err_target,
                                     text=True, encoding="utf-8", errors="replace")

    def use(self, settings: Settings) -> None:
        """The settings, as loaded here from the same file; raises ConfigError on an unknown site."""
        _check(settings, self.slugs)
        self._settings = settings

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            raise RuntimeError("CrawlChild.use(settings) must come before the crawl is let go")
        return self._settings

    @property
    def run_timeout(self) -> float:
        """When the child closes its spiders (the parent waits START_SLACK_S longer)."""
        return self.timeout_s if self.timeout_s is not None else self.settings.crawl.run_timeout_s

    def finish(self, stop: threading.Event | None = None) -> CrawlResult:
        """Check the schema, let the child crawl, and wait for it. The caller holds the ops lock."""
        from videre.store.db import Database

        # The schema is checked (and migrated) here, so that the child need not load Alembic; free
        # when this process has checked it already.
        Database.from_settings(self.settings).dispose()
        proc, feed = self.proc, self.feed
        assert proc.stdin is not None
        try:
            # Flushed, not closed: waiting (communicate) closes it.
            proc.stdin.write(GO + "\n")
            proc.stdin.flush()
        except BrokenPipeError:
            pass  # the child ended already; what it printed says why
        self.gone = True
        begun = time.monotonic()
        grace = float(self.settings.schedule.stop_grace_s)
        try:
            out, err, timed_out = _wait(proc, begun + self.run_timeout + START_SLACK_S, stop, grace,
                                        feed.poll if feed is not None else None)
        except KeyboardInterrupt:
            # Ctrl-C reached the child too; let it close its spiders and record its runs.
            (out, err), timed_out = _wind_down(proc, grace), False
        finally:
            if feed is not None:
                feed.close()
        if self.copy_to is not None and err:
            self.copy_to.write(err)
        events = _events(out)
        summary = next((e for e in events if e.get("event") == "summary"), None)
        runs = summary["runs"] if summary else []
        if summary is None:
            run_ids = [e["run_id"] for e in events if e.get("event") == "started"]
            db = Database.from_settings(self.settings)
            try:
                why = "killed at the crawl time limit" if timed_out else f"crawl process ended ({proc.returncode})"
                mark_unfinished(db, run_ids, "killed", why)
                runs = runs_summary(db, run_ids)
            finally:
                db.dispose()
        return CrawlResult(proc.returncode, runs, round(time.monotonic() - begun, 2), timed_out)

    def __enter__(self) -> "CrawlChild":
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.gone:
            return
        # No go was sent: the child has touched neither the database nor a lock, and may go at once.
        self.gone = True
        self.proc.kill()
        self.proc.communicate()
        if self.feed is not None:
            self.feed.close()


class _ProgressFeed:
    """The child's progress events, written to a file of their own and read as they come."""

    def __init__(self, on_progress: Callable[[dict[str, Any]], None]) -> None:
        fd, name = tempfile.mkstemp(prefix="videre-progress-", suffix=".jsonl")
        os.close(fd)
        self.path = Path(name)
        self.on_progress = on_progress
        self._fh = self.path.open("r", encoding="utf-8")
        self._partial = ""

    def poll(self) -> None:
        self._partial += self._fh.read()
        *lines, self._partial = self._partial.split("\n")
        for event in _events("\n".join(lines)):
            self.on_progress(event)

    def close(self) -> None:
        self.poll()
        self._fh.close()
        self.path.unlink(missing_ok=True)


def _wait(proc: subprocess.Popen[str], deadline: float, stop: threading.Event | None,
          grace: float, poll: Callable[[], None] | None = None) -> tuple[str, str, bool]:
    """The child's output once it ends; at the deadline or on `stop` it is asked to end.
    Returns (stdout, stderr, whether the deadline was reached)."""
    while True:
        try:
            out, err = proc.communicate(timeout=max(0.0, min(POLL_S, deadline - time.monotonic())))
            return out, err, False
        except subprocess.TimeoutExpired:
            if poll is not None:
                poll()
            timed_out = time.monotonic() >= deadline
            if timed_out or (stop is not None and stop.is_set()):
                proc.send_signal(signal.SIGTERM)
                out, err = _wind_down(proc, grace)
                return out, err, timed_out


def _wind_down(proc: subprocess.Popen[str], grace: float) -> tuple[str, str]:
    """Wait a little for a child that was asked to stop, then kill it."""
    try:
        return proc.communicate(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.communicate()


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


def _events(out: str) -> list[dict[str, Any]]:
    """The child's event lines; anything else a library printed on stdout is skipped."""
    events = []
    for line in out.splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if isinstance(event, dict) and "event" in event:
            events.append(event)
    return events


def _stderr_target(stderr: IO[str] | int | None) -> tuple[IO[str] | int | None, IO[str] | None]:
    """Where the child's stderr goes; a stream without a file descriptor gets a copy at the end."""
    if stderr is None or isinstance(stderr, int):
        return stderr, None
    try:
        stderr.fileno()
    except (AttributeError, OSError, io.UnsupportedOperation):
        return subprocess.PIPE, stderr
    return stderr, None


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
    parser.add_argument("--close-dead-runs", action="store_true",
                        help="first mark runs left open as killed (only under the parent's ops lock)")
    args = parser.parse_args(argv)
    if args.parent:
        _die_with_parent(args.parent)
    # Not while loading: collections would walk what the imports made again and again (gen2 sweeps
    # of every module's objects), about 0.2 s CPU of this process's start and crawl; what is
    # loaded is then frozen out of collection for the run (bench/README.md, crawl).
    gc.disable()
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
        for module in WARM_MODULES:
            importlib.import_module(module)
        gc.freeze()
        gc.enable()
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
        if args.close_dead_runs:
            _close_dead_runs(db)
        progress_out = open(args.progress, "a", encoding="utf-8") if args.progress else None  # noqa: SIM115
        try:
            run_ids = crawl_here(settings, sites, db, args.log_level, timeout_s=args.timeout,
                                 progress_out=progress_out)
        finally:
            if progress_out is not None:
                progress_out.close()
        # A signal that came before a spider got going stops the reactor without closing it.
        mark_unfinished(db, run_ids, "interrupted", "stopped by a signal before the spider started")
        runs = runs_summary(db, run_ids)
    except CrawlError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        db.dispose()
    _emit({"event": "summary", "runs": runs}, sys.stdout)
    return 0 if runs and all(r["status"] in OK_STATUSES for r in runs) else 1


def _close_dead_runs(db: Database) -> None:
    from videre.store.run_record import close_dead_runs

    with db.session() as s:
        if dead := close_dead_runs(s):
            print(f"closed {len(dead)} run(s) a killed crawl left open: " + ", ".join(f"#{i}" for i in dead),
                  file=sys.stderr, flush=True)


def _exit(status: int) -> None:
    """End without the interpreter's shutdown: that would close the crawl-child lock's file or
    connection while this process still lives (videre/store/oplock.py), for seconds of thread joins;
    the kernel frees the lock as the process goes."""
    from crawler.photo_workers import close_photo_pool

    close_photo_pool()
    for flush in (logging.shutdown, sys.stdout.flush, sys.stderr.flush):
        try:
            flush()
        except (OSError, ValueError):  # a parent that died took the pipes' other ends with it
            pass
    os._exit(status)


def run_as_main() -> None:
    """The crawl process's entry (`python -m crawler`, or this module with -m): never returns."""
    code = 1
    try:
        code = main()
    except BaseException:  # noqa: BLE001 - reported, then the same exit as any other
        try:
            traceback.print_exc()
        except OSError:
            pass
    finally:
        _exit(code)


if __name__ == "__main__":
    run_as_main()

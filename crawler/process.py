"""Run a crawl in a child process: the parent's side, for the scheduler, `videre worker` and
`videre demo`, which outlive their crawls (`videre crawl` is a crawl process itself:
crawler/one_shot.py).

A Twisted reactor cannot be restarted, so every crawl gets a fresh process (crawler/crawl_process.py,
`python -m crawler`). `crawl_in_subprocess` starts it, enforces the time limit, reads its event
lines, and closes any Run row a killed child left open.

The child is started before its parent has checked the schema, and loads Scrapy, the ORM and the
pipelines meanwhile; it touches neither the database nor the lock files until the parent writes
`go` on its stdin (`CrawlChild`, `CrawlChild.finish`). A parent that gives up first (a schema it
cannot bring up to date) kills it, having done nothing; one that dies first closes the pipe, and
the child ends on its own. Start-up time, bench/README.md "Crawl"."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any

from videre.core.errors import ConfigError

if TYPE_CHECKING:
    from models.ops import Run
    from videre.core.config import Settings
    from videre.core.site_config import SiteSettings
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
OK_STATUSES = ("ok", "partial")
# The line a child started with --wait-go waits for on stdin before it touches anything.
GO = "go"
NEEDS_CONFIG = "crawling needs a config file that lists the sites (--config PATH)"
# The message of a run whose crawl process had to be killed after its time limit.
KILLED_AT_LIMIT = "killed at the crawl time limit"
# The warning filter the crawl process hands on to its resource tracker (CrawlChild).
RESOURCE_TRACKER_QUIET = "ignore::UserWarning:multiprocessing.resource_tracker"


@dataclass
class CrawlResult:
    returncode: int
    runs: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and runs_went_well(self.runs)


def runs_went_well(runs: Sequence[dict[str, Any]]) -> bool:
    """Every site's run ended ok or partial (`run_summary`'s rows)."""
    return all(r["status"] in OK_STATUSES for r in runs)


def exit_status(runs: Sequence[dict[str, Any]]) -> int:
    """A crawl process's status: 0 when every site's run went well, 1 when one failed or stopped
    early, or none ran."""
    return 0 if runs and runs_went_well(runs) else 1


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


def crawl_in_subprocess(settings: Settings, slugs: Sequence[str] = (), *,
                        timeout_s: float | None = None, log_level: str = "WARNING",
                        stderr: IO[str] | int | None = None,
                        stop: threading.Event | None = None,
                        on_progress: Callable[[dict[str, Any]], None] | None = None,
                        child_lock: str | None = None) -> CrawlResult:
    """Crawl in a child process and wait for it, at most `timeout_s` (default: from config).

    Setting `stop` (the scheduler's SIGTERM) asks the child to close its spiders, as the time
    limit does; what it stored stays, and the next crawl fetches only what is left.
    """
    with CrawlChild(settings, slugs, timeout_s=timeout_s, log_level=log_level, stderr=stderr,
                    on_progress=on_progress, child_lock=child_lock) as child:
        return child.finish(stop)


def _check(settings: Settings, slugs: Sequence[str]) -> None:
    if settings.source is None:
        raise ConfigError(NEEDS_CONFIG)
    select_sites(settings, slugs)


def one_shot_argv(source: Path | None, slugs: Sequence[str], *, timeout_s: float | None,
                  log_level: str) -> list[str]:
    """The command line of a crawl process that does all of `videre crawl` itself: reads the
    settings, checks the schema, takes the ops lock, crawls, and prints the summary
    (`--one-shot`, crawler/one_shot.py). `source`: the config file (None: there is none)."""
    if source is None:
        raise ConfigError(NEEDS_CONFIG)
    return [*_crawler_argv(source, slugs, timeout_s, log_level), "--one-shot"]


def _crawler_argv(source: Path, slugs: Sequence[str], timeout_s: float | None, log_level: str) -> list[str]:
    # `-m crawler`, not `-m crawler.crawl_process`: multiprocessing imports a main module run with -m
    # again in each photo worker, unless it is a package's __main__ (crawler/__main__.py).
    # Without --timeout the child closes its spiders at crawl.run_timeout_s, as `run_timeout`.
    # -W: a child killed with its photo pool open (given up on before its go, or at the time
    # limit) leaves the pool's semaphores to multiprocessing's resource tracker, which frees
    # them, and would say so on stderr after the parent's own message.
    argv = [sys.executable, "-W", RESOURCE_TRACKER_QUIET, "-m", "crawler", "--config", str(source),
            "--log-level", log_level]
    if timeout_s is not None:
        argv += ["--timeout", str(timeout_s)]
    for slug in slugs:
        argv += ["--site", slug]
    return argv


class CrawlChild:
    """A crawl process started and waiting for its go (module docstring), loading what it needs
    meanwhile; `finish` lets it crawl. Use it in a `with` block: leaving the block before `finish`
    ends the child, which did nothing. It reads the settings from the same file itself; what it
    would refuse (an unknown site) is refused here first."""

    def __init__(self, settings: Settings, slugs: Sequence[str] = (), *, timeout_s: float | None = None,
                 log_level: str = "WARNING", stderr: IO[str] | int | None = None,
                 on_progress: Callable[[dict[str, Any]], None] | None = None,
                 child_lock: str | None = None) -> None:
        _check(settings, slugs)
        assert settings.source is not None
        self.settings = settings
        self.slugs = list(slugs)
        self.timeout_s = timeout_s
        self.gone = False
        cmd = [*_crawler_argv(settings.source, self.slugs, timeout_s, log_level), "--parent", str(os.getpid()),
               "--wait-go"]
        if child_lock is not None:
            cmd += ["--child-lock", child_lock]
        self.feed = _ProgressFeed(on_progress) if on_progress is not None else None
        if self.feed is not None:
            cmd += ["--progress", str(self.feed.path)]
        err_target, self.copy_to = _stderr_target(stderr)
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err_target,
                                     text=True, encoding="utf-8", errors="replace")

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
                why = KILLED_AT_LIMIT if timed_out else f"crawl process ended ({proc.returncode})"
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



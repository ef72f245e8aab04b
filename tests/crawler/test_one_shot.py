"""`videre crawl` as one process (crawler/one_shot.py): it takes the ops lock before it touches
anything, and keeps its own time limit behind the spiders'."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import func, select

from models.ads import Ad
from models.ops import Run
from tests.crawler.conftest import REPO, demo, demo_config, world  # noqa: F401 (the demo fixtures)
from videre.cli.main import main
from videre.core.config import load_settings
from videre.demo import DemoSites
from videre.store.db import Database
from videre.store.oplock import OpsLock

SLUG = "nattfjaril"
# A crawl that will not stop: its main thread ignores SIGTERM (as a hung one would), or, with
# "stops", ends on it, as Scrapy does. argv: database URL, "hangs" or "stops".
STUCK = "\n".join((
    "import signal, sys, threading",
    "from crawler.one_shot import TimeLimit",
    "from videre.store.db import Database",
    "from videre.store.run_record import RunRecorder",
    "db = Database(sys.argv[1])",
    "recorder = RunRecorder(db, 'crawl', 'nattfjaril').__enter__()",
    "stopped = threading.Event()",
    "signal.signal(signal.SIGTERM, lambda *a: stopped.set() if sys.argv[2] == 'stops' else None)",
    "with TimeLimit(db, [recorder.run_id], 0.3, 1.0) as limit:",
    "    while not stopped.wait(0.05):",
    "        pass",
    "print('ended', limit.hit)",
))

# `python -m crawler ARGS` with Ctrl-C raising KeyboardInterrupt, as Python sets it up unless the
# signal is ignored; it says `loading` on stdout once the crawl process's entry is loaded, from
# when a Ctrl-C is the crawl's own to handle.
INTERRUPTIBLE = ("import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
                 "import crawler.crawl_process; print('loading', flush=True); "
                 "sys.argv[0] = 'crawler'; runpy.run_module('crawler', run_name='__main__', alter_sys=True)")


def _rows(db: Database) -> tuple[int, int]:
    with db.session() as s:
        return (s.scalar(select(func.count()).select_from(Run)) or 0,
                s.scalar(select(func.count()).select_from(Ad)) or 0)


def test_a_busy_ops_lock_stops_the_crawl_before_it_does_anything(tmp_path: Path, demo: DemoSites) -> None:
    config = demo_config(tmp_path, demo)
    settings = load_settings(config, env={})
    db = Database.from_settings(settings)
    try:
        with OpsLock(db, settings.path("locks"), purpose="import"):
            result = CliRunner().invoke(main, ["--config", str(config), "crawl", SLUG])
        assert result.exit_code == 2, result.output
        assert "another Videre process" in result.output
        assert _rows(db) == (0, 0)
        # Once the lock is free, the same command crawls.
        result = CliRunner().invoke(main, ["--config", str(config), "crawl", SLUG])
        assert result.exit_code == 0, result.output
        assert _rows(db)[1] > 0
    finally:
        db.dispose()


def _stuck(tmp_path: Path, how: str) -> tuple[subprocess.CompletedProcess[str], str]:
    url = f"sqlite:///{tmp_path / 'v.db'}"
    Database(url).dispose()  # the schema, as a crawl finds it
    begun = time.monotonic()
    done = subprocess.run([sys.executable, "-c", STUCK, url, how], cwd=REPO, capture_output=True, text=True,
                          timeout=60)
    assert time.monotonic() - begun < 30
    db = Database(url)
    try:
        with db.session() as s:
            (status,) = s.scalars(select(Run.status)).all()
    finally:
        db.dispose()
    return done, status


def test_a_crawl_past_its_time_limit_is_asked_to_stop(tmp_path: Path) -> None:
    done, status = _stuck(tmp_path, "stops")
    assert done.returncode == 0, done.stderr
    assert "ended True" in done.stdout
    assert "still going 0 s after it began; stopping it" in done.stderr
    assert status == "running"  # the crawl records its own runs as it stops


def test_a_crawl_that_will_not_stop_is_ended_and_its_run_marked_killed(tmp_path: Path) -> None:
    done, status = _stuck(tmp_path, "hangs")
    assert done.returncode == 1
    assert "ended" not in done.stdout
    assert "did not stop within 1 s" in done.stderr
    assert status == "killed"


def test_ctrl_c_before_the_crawl_starts_says_so_without_a_traceback(tmp_path: Path, demo: DemoSites) -> None:
    config = demo_config(tmp_path, demo)
    # As from a terminal: a suite run in the background (CI's second pass) has Ctrl-C ignored, and
    # its children inherit that.
    crawl = subprocess.Popen([sys.executable, "-c", INTERRUPTIBLE, "--config", str(config), "--site", SLUG,
                              "--one-shot"], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert crawl.stdout is not None and crawl.stdout.readline() == "loading\n"
    time.sleep(0.05)  # into its loading: settings, SQLAlchemy and Scrapy take far longer than this
    crawl.send_signal(signal.SIGINT)
    out, err = crawl.communicate(timeout=60)
    assert crawl.returncode == 130, err
    assert err.strip().splitlines()[-1] == "interrupted" and "Traceback" not in err

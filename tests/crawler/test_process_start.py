"""The crawl process starts before its parent has the lock, and does nothing until told to go:
a parent that gives up first leaves no run, no lock and no ad behind (crawler/process.py)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from crawler.process import start_crawl
from models.ads import Ad
from models.ops import Run
from tests.crawler.conftest import REPO, demo_config
from videre.cli.main import main
from videre.core.config import load_settings
from videre.demo import DemoSites
from videre.store.db import Database
from videre.store.oplock import CRAWL_CHILD_LOCK, OpsLock

SLUG = "nattfjaril"


def _rows(db: Database) -> tuple[int, int]:
    with db.session() as s:
        return (s.scalar(select(func.count()).select_from(Run)) or 0,
                s.scalar(select(func.count()).select_from(Ad)) or 0)


def test_a_child_never_told_to_go_ends_having_done_nothing(tmp_path: Path, demo: DemoSites) -> None:
    settings = load_settings(demo_config(tmp_path, demo), env={})
    db = Database.from_settings(settings)
    try:
        with start_crawl(settings, [SLUG]) as child:
            pass  # the parent gives up (a busy lock, a schema error) before `finish`
        assert child.proc.returncode is not None
        assert _rows(db) == (0, 0)
        # Its lock was never taken: the next crawl's child can have it.
        with OpsLock(db, settings.path("locks"), CRAWL_CHILD_LOCK):
            pass
    finally:
        db.dispose()


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except (FileNotFoundError, ProcessLookupError):
        return []


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (FileNotFoundError, ProcessLookupError):
        return False


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc")
def test_a_child_given_up_on_has_started_no_photo_worker_and_says_nothing(tmp_path: Path,
                                                                          demo: DemoSites) -> None:
    """The photo workers start on the go (crawler/photo_workers.py): a child killed before it has
    spawned none (one killed while being spawned would print a traceback), only multiprocessing's
    resource tracker, which ends with it and says nothing of the semaphores it frees."""
    settings = load_settings(demo_config(tmp_path, demo), env={})
    err = (tmp_path / "stderr").open("w")
    with err, start_crawl(settings, [SLUG], stderr=err) as child:
        deadline = time.monotonic() + 60
        while not (helpers := _children(child.proc.pid)) and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.5)  # time enough to spawn a worker, were it to
        helpers = _children(child.proc.pid)
        assert len(helpers) == 1 and "resource_tracker" in _cmdline(helpers[0])
    assert child.proc.returncode is not None
    deadline = time.monotonic() + 10
    while any(_running(h) for h in helpers) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not any(_running(h) for h in helpers)
    assert (tmp_path / "stderr").read_text() == ""


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except (FileNotFoundError, ProcessLookupError):
        return ""


def test_without_go_on_stdin_the_crawl_process_takes_nothing(tmp_path: Path, demo: DemoSites) -> None:
    config = demo_config(tmp_path, demo)
    settings = load_settings(config, env={})
    db = Database.from_settings(settings)
    try:
        done = subprocess.run([sys.executable, "-m", "crawler", "--config", str(config), "--site", SLUG,
                               "--wait-go"], cwd=REPO, input="", capture_output=True, text=True, timeout=300)
        assert done.returncode == 2
        assert '"started"' not in done.stdout
        assert _rows(db) == (0, 0)
    finally:
        db.dispose()


def test_a_busy_ops_lock_stops_the_crawl_before_its_process_does_anything(
        tmp_path: Path, demo: DemoSites) -> None:
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

"""A crawl child (the scheduler's, a worker's) starts before its parent has checked the schema, and
does nothing until told to go: a parent that gives up first leaves no run, no lock and no ad
behind; one killed on its own leaves its child the lock until it ends (crawler/process.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from crawler.process import CrawlChild
from models.ads import Ad
from models.ops import Run
from tests.conftest import lock_once_freed
from tests.crawler.conftest import REPO, demo_config
from videre.core.config import load_settings
from videre.demo import DemoSites
from videre.store.db import Database
from videre.store.oplock import CRAWL_CHILD_LOCK, LockBusy, OpsLock

SLUG = "nattfjaril"
# What the scheduler does: the ops lock, then a crawl in a child process.
SCHEDULER = "\n".join((
    "import sys",
    "from crawler.process import crawl_in_subprocess",
    "from videre.core.config import load_settings",
    "from videre.store.db import Database",
    "from videre.store.oplock import OpsLock",
    "settings = load_settings(sys.argv[1])",
    "with OpsLock(Database.from_settings(settings), settings.path('locks'), purpose='nightly'):",
    "    crawl_in_subprocess(settings, ['nattfjaril'])",
))


def _rows(db: Database) -> tuple[int, int]:
    with db.session() as s:
        return (s.scalar(select(func.count()).select_from(Run)) or 0,
                s.scalar(select(func.count()).select_from(Ad)) or 0)


def test_a_child_never_told_to_go_ends_having_done_nothing(tmp_path: Path, demo: DemoSites) -> None:
    settings = load_settings(demo_config(tmp_path, demo), env={})
    db = Database.from_settings(settings)
    try:
        with CrawlChild(settings, [SLUG]) as child:
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
    with err, CrawlChild(settings, [SLUG], stderr=err) as child:
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



def _alive(pid: int) -> bool:
    """Any thread of the process that can still run its code: one with an address space. A
    zombie has none, and neither has a thread on its way out: the kernel takes its memory before
    it closes its files, which is when a PostgreSQL session's advisory lock goes, and it shows as
    a zombie only after that. (While the other threads of an exiting process finish, its leader
    already shows as one.)"""
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            if "\nVmRSS:" in (task / "status").read_text():
                return True
        except (FileNotFoundError, ProcessLookupError):
            pass
    return False


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_killing_only_the_parent_keeps_the_lock_until_the_crawl_child_ends(
        tmp_path: Path, demo: DemoSites, backend: str, request: pytest.FixtureRequest) -> None:
    """A scheduler that holds the ops lock and is killed on its own: its lock goes, but its crawl
    child still closes its spiders (it gets SIGTERM), and no other crawl starts until it has."""
    cfg = demo_config(tmp_path, demo, download_delay=0.5)
    if backend == "postgresql":
        data = yaml.safe_load(cfg.read_text(encoding="utf-8"))
        data["database"] = {"url": request.getfixturevalue("pg_url")}
        cfg.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    settings = load_settings(cfg, env={})
    db = Database.from_settings(settings)
    parent = subprocess.Popen([sys.executable, "-c", SCHEDULER, str(cfg)], cwd=REPO,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while True:  # until the child has recorded its run: it is crawling
            with db.session() as s:
                if s.execute(select(Run.id).where(Run.kind == "crawl")).first() is not None:
                    break
            assert parent.poll() is None and time.monotonic() < deadline
            time.sleep(0.1)
        children = Path(f"/proc/{parent.pid}/task/{parent.pid}/children").read_text().split()
        assert len(children) == 1
        child = int(children[0])
        os.kill(parent.pid, signal.SIGKILL)  # the parent only, not its process group
        parent.wait()
        busy = 0
        while _alive(child):
            try:
                with OpsLock(db, settings.path("locks")):
                    assert not _alive(child), "a second crawl could start beside the orphaned child"
            except LockBusy as exc:
                # PostgreSQL frees the killed parent's lock when its backend notices the closed
                # connection, a moment after the kill (under load, after the first probes): until
                # then that lock is the busy one. Only the child's may be busy after it.
                if "videre nightly" not in str(exc):
                    assert "still finishing" in str(exc)
                    busy += 1
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert busy > 0
        lock_once_freed(db, settings.path("locks"))  # the child's end frees it
    finally:
        if parent.poll() is None:
            parent.kill()
        db.dispose()

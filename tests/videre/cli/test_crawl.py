"""`videre crawl` as a user runs it: a real crawl of a demo site, a failing site, a typo."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from models.ops import Run
from tests.conftest import lock_once_freed
from tests.crawler.conftest import demo, demo_config, world  # noqa: F401 (the demo fixtures)
from videre.cli.main import main
from videre.core.config import load_settings
from videre.demo import DemoSites, World
from videre.store.db import Database
from videre.store.oplock import LockBusy, OpsLock


def _config(tmp_path: Path, demo: DemoSites, cards: str = "ads") -> Path:
    def edit(site: dict[str, Any]) -> None:
        if site["slug"] == "vastkontakt":
            site["listing"]["cards"] = cards

    return demo_config(tmp_path, demo, edit)


def videre(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # The console script, as a user types it (python -m videre.cli.main would load main.py twice).
    return subprocess.run([str(Path(sys.executable).parent / "videre"), "--config", str(config), *args],
                          capture_output=True, text=True, timeout=600)


def test_help_has_an_example() -> None:
    out = CliRunner().invoke(main, ["crawl", "--help"]).output
    assert "videre crawl nattfjaril kvallsros" in out and "--timeout" in out


def test_crawl_prints_counts_per_site(tmp_path: Path, demo: DemoSites, world: World) -> None:
    cfg = _config(tmp_path, demo)
    run = videre(cfg, "crawl", "vastkontakt")
    assert run.returncode == 0, run.stdout + run.stderr
    n = world.truth()["sites"]["vastkontakt"]["ads"]
    row = next(line for line in run.stdout.splitlines() if "vastkontakt" in line)
    cells = [c.strip() for c in row.strip("│┃| ").split("│")]
    pages = world.truth()["sites"]["vastkontakt"]["listing_pages"]
    assert cells[:7] == ["vastkontakt", "ok", str(pages), str(n), "0", "0", cells[6]]
    assert int(cells[6]) > 0 and cells[7] == "-"
    assert "s in all" in run.stdout


def test_the_command_ends_at_once_with_everything_written_and_closed(tmp_path: Path, demo: DemoSites,
                                                                    world: World) -> None:
    """The console script skips the interpreter's teardown after a crawl (App.end_at_once): the
    summary still reaches the pipe to its last line, every ad is stored, and every database
    connection was closed (SQLite folds its WAL file away when the last one closes)."""
    cfg = _config(tmp_path, demo)
    run = videre(cfg, "crawl", "vastkontakt")
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.rstrip().splitlines()[-1].endswith("s in all")
    settings = load_settings(cfg, env={})
    if settings.database.url.startswith("sqlite:///"):  # PostgreSQL has no file to look at
        db_file = Path(settings.database.url.removeprefix("sqlite:///"))
        assert db_file.is_file() and not Path(f"{db_file}-wal").exists()
    db = Database.from_settings(settings)
    try:
        with db.session() as s:
            (crawl,) = s.scalars(select(Run).where(Run.kind == "crawl")).all()
            assert (crawl.status, crawl.ads_new) == ("ok", world.truth()["sites"]["vastkontakt"]["ads"])
    finally:
        db.dispose()


def test_a_failed_site_says_why_and_exits_1(tmp_path: Path, demo: DemoSites) -> None:
    run = videre(_config(tmp_path, demo, cards="annonser"), "crawl", "vastkontakt")
    assert run.returncode == 1
    assert "failed" in run.stdout
    assert "no ads stored" in run.stdout
    assert "annonser is not a list of ads" in run.stdout


def test_an_unknown_site_is_refused_before_anything_starts(tmp_path: Path, demo: DemoSites) -> None:
    run = videre(_config(tmp_path, demo), "crawl", "nattfjaril", "nosuchsite")
    assert run.returncode == 2
    assert "no site 'nosuchsite' in config" in run.stderr


def test_the_command_is_the_crawl_process_and_killing_it_frees_the_lock(
        tmp_path: Path, demo: DemoSites) -> None:
    """`videre crawl` becomes the crawl process (App.hand_over): no parent is left waiting. Killed
    mid-crawl, it holds nothing (the lock goes with the process), and the next crawl closes the run
    it left open and finishes the site."""
    cfg = demo_config(tmp_path, demo, download_delay=0.2)
    settings = load_settings(cfg, env={})
    db = Database.from_settings(settings)
    crawl = subprocess.Popen([str(Path(sys.executable).parent / "videre"), "--config", str(cfg), "crawl",
                              "nattfjaril"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while True:  # until it has recorded its run: it is crawling
            with db.session() as s:
                if s.execute(select(Run.id).where(Run.kind == "crawl")).first() is not None:
                    break
            assert crawl.poll() is None and time.monotonic() < deadline
            time.sleep(0.1)
        argv = Path(f"/proc/{crawl.pid}/cmdline").read_text().split("\0")
        assert argv[argv.index("-m") + 1] == "crawler" and "--one-shot" in argv
        with pytest.raises(LockBusy):
            OpsLock(db, settings.path("locks")).acquire()
        os.kill(crawl.pid, signal.SIGKILL)
        crawl.wait()
        lock_once_freed(db, settings.path("locks"))
    finally:
        if crawl.poll() is None:
            crawl.kill()
    again = videre(demo_config(tmp_path, demo), "crawl", "nattfjaril")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "closed 1 run(s) a killed crawl left open" in again.stderr
    with db.session() as s:
        statuses = list(s.scalars(select(Run.status).where(Run.kind == "crawl").order_by(Run.id)))
    db.dispose()
    assert statuses == ["killed", "ok"]

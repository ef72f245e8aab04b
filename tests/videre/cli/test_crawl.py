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
import yaml
from click.testing import CliRunner
from sqlalchemy import select

from models.ops import Run
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


def _alive(pid: int) -> bool:
    """Any thread of the process still running: a zombie holds no locks, but while the other
    threads of an exiting process finish, its leader already shows as one."""
    states = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            states.append((task / "stat").read_text().rsplit(")", 1)[1].split()[0])
        except (FileNotFoundError, ProcessLookupError):
            pass
    return any(state != "Z" for state in states)


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_killing_only_the_parent_keeps_the_lock_until_the_crawl_child_ends(
        tmp_path: Path, demo: DemoSites, backend: str, request: pytest.FixtureRequest) -> None:
    cfg = demo_config(tmp_path, demo, download_delay=0.5)
    if backend == "postgresql":
        data = yaml.safe_load(cfg.read_text(encoding="utf-8"))
        data["database"] = {"url": request.getfixturevalue("pg_url")}
        cfg.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    settings = load_settings(cfg, env={})
    db = Database.from_settings(settings)
    parent = subprocess.Popen([str(Path(sys.executable).parent / "videre"), "--config", str(cfg), "crawl",
                               "nattfjaril"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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
                assert "still finishing" in str(exc)
                busy += 1
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert busy > 0
        with OpsLock(db, settings.path("locks")) as lock:  # the child's end frees it
            assert lock.held
    finally:
        if parent.poll() is None:
            parent.kill()
        db.dispose()

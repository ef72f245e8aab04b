"""kill -9 of a crawl at several points, then resume: the store ends exactly as after one
uninterrupted crawl, with no duplicate row and no half-written ad, and the killed runs show."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from click.testing import CliRunner
from sqlalchemy import func, select

from crawler.process import CrawlResult, crawl_in_subprocess
from models.ads import Ad, AdVersion
from models.crawl import PageState
from models.entities import AdPhone, AdPhoto, Phone, Photo
from models.ops import Run
from tests.crawler.conftest import REPO, demo_config
from videre.cli.main import main
from videre.core.config import Settings, load_settings
from videre.demo import DemoSites, World, generate_world, serve_demo
from videre.store.db import Database

SLUG = "nattfjaril"
TABLES = (Ad, AdVersion, AdPhone, AdPhoto, Phone, Photo, PageState)


@pytest.fixture(scope="module")
def world() -> World:
    return generate_world(7, 0.1)


@pytest.fixture(scope="module")
def demo(world: World) -> Iterator[DemoSites]:
    with serve_demo(world) as sites:
        yield sites


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory, demo: DemoSites) -> dict[str, Any]:
    """The store after one uninterrupted crawl."""
    clean = _settings(tmp_path_factory.mktemp("clean") / "crawl", demo)
    assert crawl_in_subprocess(clean, [SLUG]).ok
    db = Database.from_settings(clean)
    try:
        return _state(db)
    finally:
        db.dispose()


def _settings(folder: Path, demo: DemoSites, database: str | None = None) -> Settings:
    folder.mkdir()
    # Slowed a little so that a kill lands in the middle of the walk, not after it.
    path = demo_config(folder, demo, download_delay=0.05, autothrottle=False)
    if database:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["database"] = {"url": database}
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_settings(path, env={})


def _count(db: Database, model: type) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def _kill_when(settings: Settings, db: Database, stored: int) -> int:
    """Start a crawl, SIGKILL it once `stored` ads are in the store; return how many there were."""
    child = subprocess.Popen([sys.executable, "-m", "crawler", "--config", str(settings.source),
                              "--site", SLUG], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             text=True)
    assert child.stdout is not None
    assert '"started"' in child.stdout.readline()  # its Run row is open
    deadline = time.monotonic() + 120
    while _count(db, Ad) < stored and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    child.kill()
    child.wait()
    return _count(db, Ad)


def _state(db: Database) -> dict[str, Any]:
    """Every ad with what was stored for it, and the size of every table."""
    with db.session() as s:
        ads = {}
        for ad in s.scalars(select(Ad)):
            phones = sorted(s.scalars(select(Phone.e164).join(AdPhone).where(AdPhone.ad_id == ad.id)))
            photos = sorted(s.scalars(select(Photo.sha256).join(AdPhoto).where(AdPhoto.ad_id == ad.id)))
            versions = list(s.scalars(select(AdVersion.version).where(AdVersion.ad_id == ad.id)))
            ads[ad.url.split("/annons/")[1]] = (ad.content_hash, ad.version, versions, phones, photos,
                                                ad.title, ad.city, ad.gone_at is None)
    return {"ads": ads, "rows": {m.__name__: _count(db, m) for m in TABLES}}


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_killed_three_times_then_resumed_equals_one_clean_crawl(
        tmp_path: Path, world: World, demo: DemoSites, reference: dict[str, Any], backend: str,
        request: pytest.FixtureRequest) -> None:
    total = len(world.site_ads(SLUG))
    assert len(reference["ads"]) == total

    url = request.getfixturevalue("pg_url") if backend == "postgres" else None
    crashed = _settings(tmp_path / "crashed", demo, url)
    db = Database.from_settings(crashed)
    # Killed before the first ad, a quarter in, and most of the way through.
    kills = [_kill_when(crashed, db, n) for n in (0, total // 4, 3 * total // 4)]
    assert kills[0] < total // 4 <= kills[1] < 3 * total // 4 <= kills[2] < total, kills

    # The operator's resume: the same command again.
    result = CliRunner().invoke(main, ["--config", str(crashed.source), "crawl", SLUG])
    assert result.exit_code == 0, result.output
    assert "closed 3 run(s) a killed crawl left open" in result.output

    assert _state(db) == reference
    with db.session() as s:
        runs = list(s.scalars(select(Run).where(Run.kind == "crawl").order_by(Run.id)))
        if db.dialect == "sqlite":  # the test database may be PostgreSQL (VIDERE_TEST_DATABASE)
            assert s.execute(sa.text("PRAGMA integrity_check")).scalar() == "ok"
    assert [r.status for r in runs] == ["killed", "killed", "killed", "ok"]
    # The resumed run stored only what the killed ones had not, and saw the rest.
    assert runs[-1].ads_new == total - kills[2]
    assert runs[-1].ads_new + runs[-1].ads_unchanged == total
    db.dispose()


def _runs(db: Database) -> list[Run]:
    with db.session() as s:
        return list(s.scalars(select(Run).where(Run.kind == "crawl").order_by(Run.id)))


@pytest.mark.slow
def test_a_crawl_asked_to_stop_is_interrupted_and_the_next_one_finishes_it(
        tmp_path: Path, world: World, demo: DemoSites, reference: dict[str, Any]) -> None:
    settings = _settings(tmp_path / "stopped", demo)
    db = Database.from_settings(settings)
    stop = threading.Event()
    done: list[CrawlResult] = []
    worker = threading.Thread(target=lambda: done.append(crawl_in_subprocess(settings, [SLUG], stop=stop)))
    worker.start()
    deadline = time.monotonic() + 120
    while _count(db, Ad) < 10 and time.monotonic() < deadline:
        time.sleep(0.01)
    stop.set()  # what the scheduler does on SIGTERM
    worker.join(120)
    [run] = done[0].runs
    assert run["status"] == "interrupted" and "picks up where it stopped" in run["message"]
    assert 10 <= _count(db, Ad) < len(world.site_ads(SLUG))

    assert crawl_in_subprocess(settings, [SLUG]).ok
    assert _state(db) == reference
    db.dispose()


@pytest.mark.slow
def test_a_crawl_does_not_outlive_its_killed_parent(tmp_path: Path, demo: DemoSites) -> None:
    settings = _settings(tmp_path / "orphan", demo)
    db = Database.from_settings(settings)
    parent = subprocess.Popen([sys.executable, "-c", (
        "import sys; from crawler.process import CrawlResult, crawl_in_subprocess; from videre.core.config import load_settings; "
        f"crawl_in_subprocess(load_settings({str(settings.source)!r}), [{SLUG!r}])")], cwd=REPO)
    deadline = time.monotonic() + 120
    while _count(db, Ad) < 5 and time.monotonic() < deadline:
        time.sleep(0.01)
    parent.kill()  # the scheduler is SIGKILLed mid-crawl
    parent.wait()
    # The child gets SIGTERM from the kernel, closes its spider and records why.
    while not (runs := _runs(db)) or runs[0].status == "running":
        assert time.monotonic() < deadline, "the crawl went on without its parent"
        time.sleep(0.2)
    assert runs[0].status == "interrupted"
    db.dispose()

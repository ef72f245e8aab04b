"""The nightly sequence: crawl -> incremental re-score -> watchlists, one run row, one at a time."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from crawler.process import CrawlResult
from models.ops import Run
from tests.conftest import make_settings
from tests.videre.fake_crawl import FakeCrawl
from videre.core.config import Settings
from videre.services import nightly as nightly_module
from videre.services.nightly import nightly
from videre.store.db import Database
from videre.store.oplock import OpsLock

SITES = [{"slug": slug, "start_urls": [f"http://127.0.0.1:{port}/"]}
         for slug, port in (("nattfjaril", 8701), ("kvallsros", 8702), ("vastkontakt", 8703))]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    sites = [*SITES[:2], {**SITES[2], "enabled": False}]
    return make_settings(tmp_path, sites=sites)


def _runs(db: Database, kind: str) -> list[Run]:
    with db.session() as s:
        return list(s.execute(select(Run).where(Run.kind == kind).order_by(Run.id)).scalars())


def test_a_normal_night_crawls_rescores_checks_watchlists_and_records_one_run(
        settings: Settings, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[datetime] = []

    def check_watchlists(session: Any, since: datetime) -> int:
        seen.append(since)
        return 1

    monkeypatch.setattr(nightly_module, "watch_checker", lambda: check_watchlists)
    crawl = FakeCrawl(db)
    report = nightly(settings, db, crawl=crawl)

    assert [slugs for slugs, _ in crawl.calls] == [["nattfjaril", "kvallsros"]]  # enabled sites only
    assert report.status == "ok" and report.watch_hits == 1 and len(seen) == 1
    [night] = _runs(db, "nightly")
    assert night.id == report.run_id and night.status == "ok" and night.finished_at is not None
    assert (night.ads_new, night.ads_unchanged, night.pages, night.photos) == (24, 80, 6, 40)
    assert "2 site(s): 2 ok" in night.message and "watchlists: 1 hit(s)" in night.message
    assert len(_runs(db, "rescore")) == 1
    # The first night checks everything; the next one what changed since the last one began.
    assert seen[0].year == 1970
    nightly(settings, db, crawl=crawl)
    assert seen[1] == night.started_at


def test_a_second_night_while_one_runs_is_skipped_and_recorded(settings: Settings, db: Database) -> None:
    crawl = FakeCrawl(db)
    with OpsLock(db, settings.path("locks"), purpose="nightly run"):
        report = nightly(settings, db, crawl=crawl)
    assert report.status == "skipped" and crawl.calls == []
    [night] = _runs(db, "nightly")
    # The holder is named by the lock: "nightly run by pid N" (file lock) or "videre nightly run pid N" (PostgreSQL).
    assert night.status == "skipped" and "nightly run" in night.message and "pid" in night.message
    assert _runs(db, "rescore") == []


def test_runs_left_open_by_a_killed_process_are_closed_and_reported(settings: Settings, db: Database) -> None:
    now = datetime.now(timezone.utc)
    with db.session() as s:
        s.add_all([Run(kind="nightly", status="running", started_at=now - timedelta(hours=20)),
                   Run(kind="crawl", site="nattfjaril", status="running", started_at=now - timedelta(hours=20)),
                   # Not run under the lock: a re-score by hand may well be alive.
                   Run(kind="rescore", status="running", started_at=now - timedelta(minutes=1))])
    report = nightly(settings, db, crawl=FakeCrawl(db))
    with db.session() as s:
        first = list(s.execute(select(Run).order_by(Run.id).limit(3)).scalars())
    assert [r.status for r in first] == ["killed", "killed", "running"]
    assert "killed or crashed" in first[0].message
    assert any("closed 2 run(s) left open by a dead process: #1, #2" in w for w in report.warnings)
    assert report.status == "partial"


def test_sigterm_during_the_crawl_stops_the_night_without_rescoring(settings: Settings, db: Database) -> None:
    stop = threading.Event()
    crawl = FakeCrawl(db, hold=threading.Event())
    worker = threading.Thread(target=lambda: setattr(worker, "report", nightly(settings, db, stop=stop, crawl=crawl)))
    worker.start()
    assert crawl.started.wait(10)
    stop.set()
    worker.join(10)
    report = worker.report  # type: ignore[attr-defined]
    assert report.status == "interrupted"
    assert _runs(db, "rescore") == []
    assert _runs(db, "nightly")[0].status == "interrupted"


def test_a_failed_site_makes_the_night_partial_and_a_crawl_that_cannot_start_makes_it_failed(
        settings: Settings, db: Database) -> None:
    report = nightly(settings, db, ["nattfjaril"], crawl=FakeCrawl(db, status="failed", ads_new=0))
    assert report.status == "failed" and "nattfjaril: crawl failed" in report.warnings

    def broken(settings: Settings, slugs: Any, *, timeout_s: float, stop: threading.Event) -> CrawlResult:
        raise OSError("no such file: python")

    report = nightly(settings, db, crawl=broken)
    assert report.status == "failed" and report.errors["crawl"] == 1
    # The re-score still ran on what is stored.
    assert len(_runs(db, "rescore")) == 2

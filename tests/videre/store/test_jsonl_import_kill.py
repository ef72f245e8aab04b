"""`kill -9` of a running `videre import`: at most the open batch is lost, and a rerun stores every
ad exactly once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from models.ads import Ad, AdVersion
from models.entities import AdPhone
from tests.conftest import make_settings
from videre.store.db import Database
from videre.store.jsonl_import import import_files
from videre.store.jsonl_prepare import CHUNK_LINES

ROOT = Path(__file__).resolve().parents[3]
ADS = 8_000


def _write(path: Path) -> None:
    with path.open("w") as f:
        for n in range(ADS):
            f.write(json.dumps({
                "url": f"http://127.0.0.1:9/annons/{n}", "site": f"sajt{n % 3}", "title": f"Ny {n}",
                "body": f"Ring 070-{n % 1000:03d} {n % 97:02d} 05, Majorna. " * 3, "age": "24 år",
                "location": "Göteborg", "scraped_at": "2026-11-20T18:00:00+01:00"}) + "\n")


def _count(db: Database) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(Ad)) or 0)


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_kill_9_loses_at_most_the_open_batch_and_a_rerun_stores_nothing_twice(
        tmp_path: Path, backend: str, request: pytest.FixtureRequest) -> None:
    url = request.getfixturevalue("pg_url") if backend == "postgres" else f"sqlite:///{tmp_path / 'v.db'}"
    settings = make_settings(tmp_path, database={"url": url})
    config = tmp_path / "config.yaml"
    config.write_text(f"data_dir: {tmp_path / 'var'}\ndatabase:\n  url: {url}\n")
    data = tmp_path / "ads.jsonl"
    _write(data)
    db = Database.from_settings(settings)
    proc = subprocess.Popen([sys.executable, "-m", "videre", "--config", str(config), "import", str(data)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while _count(db) < 2 * CHUNK_LINES:
            assert proc.poll() is None, "the import ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the import and its extraction workers
        proc.wait()
    stored = _count(db)
    assert stored < ADS, "killed too late to show anything"
    # Whole batches only: the open one was rolled back.
    assert stored % CHUNK_LINES == 0
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(AdVersion)) == stored

    report = import_files([data], settings, db)
    assert report.statuses == {"unchanged": stored, "new": ADS - stored}
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Ad)) == ADS
        assert s.scalar(select(func.count()).select_from(AdVersion)) == ADS
        assert s.scalar(select(func.max(Ad.version))) == 1
        assert s.scalar(select(func.count(func.distinct(AdPhone.ad_id)))) == ADS
    db.dispose()

"""The distributed crawl for real: 2-3 `videre worker` processes, the three demo sites (one of them
rendered in Chromium), Redis and PostgreSQL on 127.0.0.1, each test under its own Redis key prefix
and database. Politeness is relaxed (no delay, no autothrottle) to keep them short.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import redis
import yaml
from sqlalchemy import func, select

from crawler.distributed import open_queue
from crawler.process import crawl_in_subprocess
from models.ads import Ad, AdVersion, Site
from models.entities import AdPhoto
from models.ops import Run
from tests.conftest import pg_database
from tests.crawler.conftest import demo_config
from videre.core.config import Settings, load_settings
from videre.demo import DemoSites, World, generate_world
from videre.store.db import Database

# Crawl processes start slowly on a loaded machine: the time limits are generous, the crawls short.
pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.browser, pytest.mark.slow,
              pytest.mark.timeout(1800)]

REDIS_URL = "redis://127.0.0.1:6379/0"
SITES = ("nattfjaril", "kvallsros", "vastkontakt")
HEARTBEAT_S = 2.0
WAIT_S = 900.0


@pytest.fixture(scope="module")
def world() -> World:
    """A smaller world than the other crawl tests' (about 90 ads): these crawl every site twice."""
    return generate_world(11, 0.3)


def config(tmp_path: Path, demo: DemoSites, db_url: str, prefix: str, **crawl: Any) -> Settings:
    path = demo_config(tmp_path, demo, **{"autothrottle": False, "concurrency_per_site": 4, **crawl})
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["database"] = {"url": db_url, "pool_size": 2, "max_overflow": 2}
    data["redis"] = {"url": REDIS_URL, "key_prefix": prefix, "heartbeat_timeout_s": HEARTBEAT_S}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_settings(path, env={})


@pytest.fixture
def prefix() -> Iterator[str]:
    """A Redis key prefix of the test's own, its keys deleted afterwards."""
    name = f"videre-test-{uuid.uuid4().hex[:10]}"
    yield name
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"{name}:*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()


class Workers:
    """`videre worker` processes started for one test, each logging to its own file."""

    def __init__(self, settings: Settings, tmp_path: Path) -> None:
        self.settings = settings
        self.tmp_path = tmp_path
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, n: int) -> None:
        for _ in range(n):
            log = open(self.tmp_path / f"worker-{len(self.procs)}.log", "wb")  # noqa: SIM115
            self.procs.append(subprocess.Popen(
                [sys.executable, "-m", "videre", "--config", str(self.settings.source), "worker"],
                stdout=log, stderr=subprocess.STDOUT))

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.tmp_path.glob("worker-*.log")))

    def stop(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(timeout=60)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[list[Workers]]:
    started: list[Workers] = []
    yield started
    for w in started:
        w.stop()


def snapshot(settings: Settings) -> dict[str, dict[str, Any]]:
    """Every stored ad by site and path: its fields, versions and photo links."""
    db = Database.from_settings(settings)
    try:
        with db.session() as s:
            versions = dict(s.execute(select(AdVersion.ad_id, func.count()).group_by(AdVersion.ad_id)).all())
            photos = dict(s.execute(select(AdPhoto.ad_id, func.count()).group_by(AdPhoto.ad_id)).all())
            out = {}
            for ad, slug in s.execute(select(Ad, Site.slug).join(Site)).all():
                key = f"{slug} {urlsplit(ad.url).path}"
                assert key not in out, f"{key} stored twice"
                out[key] = {"title": ad.title, "body": ad.body, "name": ad.name, "age": ad.age_raw,
                            "location": ad.location_raw, "phone": ad.phone_raw,
                            "versions": versions.get(ad.id, 0), "photos": photos.get(ad.id, 0)}
            return out
    finally:
        db.dispose()


def truth_keys(world: World) -> set[str]:
    truth = world.truth()
    return {f"{a['site']} {a['path']}" for g in truth["groups"] for a in g["ads"]}


@pytest.fixture(scope="module")
def single_process(world: World, demo: DemoSites, tmp_path_factory: pytest.TempPathFactory
                   ) -> Iterator[dict[str, dict[str, Any]]]:
    """The same three sites crawled by one ordinary `crawl` process into PostgreSQL."""
    with pg_database() as url:
        settings = config(tmp_path_factory.mktemp("single"), demo, url, "unused")
        result = crawl_in_subprocess(settings, SITES)
        assert result.ok, result
        yield snapshot(settings)


def test_three_workers_store_every_ad_once_as_a_single_process_does(
        tmp_path: Path, world: World, demo: DemoSites, pg_url: str, prefix: str,
        workers: list[Workers], single_process: dict[str, dict[str, Any]]) -> None:
    settings = config(tmp_path, demo, pg_url, prefix)
    pool = Workers(settings, tmp_path)
    workers.append(pool)
    pool.start(3)
    try:
        done = subprocess.run([sys.executable, "-m", "videre", "--config", str(settings.source), "crawl",
                               "--distributed", "--timeout", str(WAIT_S)],
                              capture_output=True, text=True, timeout=WAIT_S + 120)
    except subprocess.TimeoutExpired:
        pytest.fail("`crawl --distributed` did not end:\n" + pool.logs())
    assert done.returncode == 0, done.stdout + done.stderr + pool.logs()
    assert "queued 3 site(s)" in done.stderr
    crawled_by = {line.split("crawled by worker ")[1] for line in done.stderr.splitlines()
                  if "crawled by worker " in line}
    assert len(crawled_by) >= 2, done.stderr  # the sites were shared out
    for slug in SITES:
        assert slug in done.stdout

    ads = snapshot(settings)
    assert set(ads) == truth_keys(world)  # every ad of every site, nothing else
    assert all(a["versions"] == 1 for a in ads.values())  # each stored once
    assert sum(1 for k, a in ads.items() if k.startswith("kvallsros ") and a["phone"]) == \
        world.truth()["sites"]["kvallsros"]["ads"]  # revealed by the click in Chromium
    assert ads == single_process


def test_a_killed_worker_leaves_its_site_to_the_others_and_nothing_is_lost(
        tmp_path: Path, world: World, demo: DemoSites, pg_url: str, prefix: str,
        workers: list[Workers], single_process: dict[str, dict[str, Any]]) -> None:
    # A little delay so that the victim is caught in the middle of its site.
    settings = config(tmp_path, demo, pg_url, prefix, download_delay=0.02, concurrency_per_site=2)
    pool = Workers(settings, tmp_path)
    workers.append(pool)
    pool.start(2)
    queue = open_queue(settings)
    try:
        # The Chromium site is in the test above; here two static ones for two workers.
        batch, slugs = queue.enqueue(["nattfjaril", "vastkontakt"])
        victim, site, stored_then = _catch_a_worker_crawling(queue, settings, world)
        os.kill(victim, signal.SIGKILL)
        killed = next(p for p in pool.procs if p.pid == victim)
        killed.wait(timeout=10)
        reports, missing = queue.wait(batch, slugs, WAIT_S)
    finally:
        queue.close()
    assert not missing, pool.logs()
    assert 0 < stored_then < world.truth()["sites"][site]["ads"]
    by_site = {r["site"]: r for r in reports}
    assert by_site[site]["worker"].endswith(f":{[p.pid for p in pool.procs if p.pid != victim][0]}")
    assert all(r["returncode"] == 0 for r in reports), reports

    ads = snapshot(settings)
    assert set(ads) == {k for k in truth_keys(world) if k.split()[0] in slugs}
    assert all(a["versions"] == 1 for a in ads.values())
    assert ads == {k: v for k, v in single_process.items() if k.split()[0] in slugs}
    db = Database.from_settings(settings)
    try:
        with db.session() as s:
            runs = s.scalars(select(Run).where(Run.site == site).order_by(Run.id)).all()
    finally:
        db.dispose()
    # The victim's crawl was stopped with it (it may finish the pages in flight as it closes); the
    # survivor's crawl stored only what was still missing.
    assert [r.status for r in runs] == ["interrupted", "ok"], [(r.status, r.message) for r in runs]
    assert runs[1].ads_new <= world.truth()["sites"][site]["ads"] - stored_then


def _catch_a_worker_crawling(queue: Any, settings: Settings, world: World) -> tuple[int, str, int]:
    """(pid, site, ads stored so far) of a worker that has stored some, not all, of its site."""
    db = Database.from_settings(settings)
    deadline = time.monotonic() + WAIT_S
    try:
        while time.monotonic() < deadline:
            for key in queue.client.scan_iter(match=queue.key("worker", "*")):
                raw = queue.client.get(key)
                state = json.loads(raw) if raw else {"sites": []}
                for site in state["sites"]:
                    if site == "kvallsros":
                        continue  # Chromium's start-up makes its timing less certain
                    with db.session() as s:
                        n = s.scalar(select(func.count()).select_from(Ad).join(Site).where(Site.slug == site))
                    if 3 <= n <= world.truth()["sites"][site]["ads"] - 10:
                        return int(state["worker"].rsplit(":", 1)[1]), site, n
            time.sleep(0.05)
    finally:
        db.dispose()
    raise AssertionError("no worker was caught in the middle of a site")

"""A crawl shared by worker processes on one machine or many: one job per site on a Redis queue.

The queue is dramatiq's Redis broker (docs/deploy.md says why not scrapy-redis). A worker takes a
site, crawls it with the ordinary single-site crawl (`crawler.process`, its own process, Playwright
included) into the one database, and reports the site's Run rows to the batch that enqueued it.

What keeps work from being lost or done twice:
- dramatiq moves a fetched job to the worker's "acks" set; a worker whose heartbeat is older than
  `redis.heartbeat_timeout_s` is dead, and its unacknowledged jobs go back on the queue.
- dramatiq only beats when it fetches, and a worker that is busy with its only job does not fetch,
  so `Heartbeat` keeps beating while a crawl runs (else a long crawl would be handed out twice).
- a site is crawled by one worker at a time: a database lock per site (PostgreSQL advisory lock,
  gone with the connection of a killed worker); a job for a busy site waits and is retried.
- what a killed worker stored stays; the next crawl of that site skips the ads already stored
  (README.md, incremental crawling), so nothing is stored twice.
- a worker asked to stop (SIGTERM) lets its crawl close and puts the site back on the queue.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import dramatiq
import redis
from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware import Retries

from crawler.process import CrawlResult, crawl_in_subprocess, select_sites
from videre.core.config import Settings
from videre.core.errors import ConfigError, VidereError
from videre.store.db import Database
from videre.store.oplock import LockBusy, OpsLock

QUEUE = "crawl"
ACTOR = "crawl_site"
# A worker polls an empty queue at least this often (ms); dramatiq's maintenance (requeueing the
# jobs of dead workers) runs on a random share of these polls.
POLL_MS = 1000
# A job for a site another worker is crawling is retried this many times, backing off up to MAX.
BUSY_RETRIES = 1000
BUSY_BACKOFF_MS = (1_000, 60_000)
# Finished sites are kept in Redis this long for `crawl --distributed` to read back.
RESULT_TTL_S = 7 * 24 * 3600


class SiteBusy(VidereError):
    """Another worker is crawling this site; the job is retried later."""


def _retry_when_busy(_retries: int, exc: BaseException) -> bool:
    # A crawl that failed has its Run row saying why; only a busy site is worth another try.
    return isinstance(exc, SiteBusy)


def site_lock_name(slug: str) -> str:
    return f"videre-crawl-site:{slug}"


@dataclass
class CrawlQueue:
    """The broker, the crawl actor and a Redis client, all under `redis.key_prefix`."""

    settings: Settings
    broker: RedisBroker
    client: redis.Redis
    actor: dramatiq.Actor[Any, Any] = field(init=False)
    # Set by `Worker`: what the actor runs (the enqueuing side never runs it).
    runner: "Worker | None" = None

    def __post_init__(self) -> None:
        def crawl_site(slug: str, batch: str) -> None:
            if self.runner is None:
                raise RuntimeError("crawl jobs run only in `videre worker`")
            self.runner.crawl_site(slug, batch)

        self.actor = dramatiq.Actor(crawl_site, broker=self.broker, actor_name=ACTOR, queue_name=QUEUE,
                                    priority=0, options={"max_retries": BUSY_RETRIES,
                                                         "min_backoff": BUSY_BACKOFF_MS[0],
                                                         "max_backoff": BUSY_BACKOFF_MS[1],
                                                         "retry_when": _retry_when_busy})

    def key(self, *parts: str) -> str:
        return ":".join((self.settings.redis.key_prefix, *parts))

    def enqueue(self, slugs: Sequence[str] = ()) -> tuple[str, list[str]]:
        """Put one job per site (all enabled sites by default) on the queue; returns the batch id."""
        sites = [s.slug for s in select_sites(self.settings, slugs)]
        batch = uuid.uuid4().hex[:16]
        self.client.set(self.key("batch", batch, "sites"), json.dumps(sites), ex=RESULT_TTL_S)
        for slug in sites:
            self.actor.send(slug, batch)
        return batch, sites

    def report(self, batch: str, result: dict[str, Any]) -> None:
        key = self.key("batch", batch, "done")
        self.client.rpush(key, json.dumps(result))
        self.client.expire(key, RESULT_TTL_S)

    def wait(self, batch: str, sites: Sequence[str], timeout_s: float) -> tuple[list[dict[str, Any]], list[str]]:
        """The reports of a batch's sites as they come; returns them and the sites still open."""
        key = self.key("batch", batch, "done")
        deadline = time.monotonic() + timeout_s
        reports: dict[str, dict[str, Any]] = {}
        seen = 0
        while len(reports) < len(sites) and time.monotonic() < deadline:
            for raw in self.client.lrange(key, seen, -1):
                seen += 1
                report = json.loads(raw)
                reports[report["site"]] = report
            if len(reports) < len(sites):
                time.sleep(0.5)
        return [reports[s] for s in sites if s in reports], [s for s in sites if s not in reports]

    def pending(self) -> int:
        """Jobs waiting on the queue (not those being crawled)."""
        return int(self.broker.do_qsize(QUEUE))

    def close(self) -> None:
        self.broker.close()
        self.client.close()


def open_queue(settings: Settings) -> CrawlQueue:
    r = settings.redis
    hb_ms = int(r.heartbeat_timeout_s * 1000)
    # Each worker polls about once per POLL_MS; maintenance on ~1 poll per heartbeat period finds
    # a dead worker's jobs within about two periods.
    chance = min(1_000_000, max(1, 1_000_000 * POLL_MS // hb_ms))
    try:
        client = redis.Redis.from_url(r.url)
        client.ping()
    except (redis.RedisError, ValueError) as exc:
        raise ConfigError(f"cannot reach Redis at redis.url {r.url!r}: {exc}") from None
    broker = RedisBroker(client=client, namespace=r.key_prefix, heartbeat_timeout=hb_ms,
                         maintenance_chance=chance, middleware=[Retries()])
    return CrawlQueue(settings, broker, client)


class Heartbeat(threading.Thread):
    """Beats for the worker while its crawls run (every quarter of the timeout), and tells what it
    is doing under `<prefix>:worker:<id>` for operators."""

    def __init__(self, queue: CrawlQueue, name: str) -> None:
        super().__init__(name="videre-heartbeat", daemon=True)
        self.queue = queue
        self.worker_name = name
        self.sites: dict[str, float] = {}
        self.stopped = threading.Event()

    def beat(self) -> None:
        self.queue.broker.do_qsize(QUEUE)  # every broker command records the heartbeat
        ttl = max(1, int(self.queue.settings.redis.heartbeat_timeout_s))
        state = {"worker": self.worker_name, "sites": sorted(self.sites), "at": time.time()}
        self.queue.client.set(self.queue.key("worker", self.worker_name), json.dumps(state), ex=ttl)

    def run(self) -> None:
        period = self.queue.settings.redis.heartbeat_timeout_s / 4
        while not self.stopped.wait(period):
            try:
                self.beat()
            except redis.RedisError:
                continue  # Redis away for a moment: the next beat tries again


class Worker:
    """`videre worker`: crawl sites from the queue, `concurrency` at a time, until stopped."""

    def __init__(self, settings: Settings, concurrency: int = 1, log_level: str = "WARNING") -> None:
        self.settings = settings
        self.log_level = log_level
        self.name = f"{socket.gethostname()}:{os.getpid()}"
        self.queue = open_queue(settings)
        self.queue.runner = self
        self.db = Database.from_settings(settings)
        self.stop = threading.Event()
        self.heartbeat = Heartbeat(self.queue, self.name)
        self.worker = dramatiq.Worker(self.queue.broker, queues={QUEUE}, worker_timeout=POLL_MS,
                                      worker_threads=concurrency)
        # One job fetched per free thread: a site waiting in one worker's hands is a site the
        # other workers cannot take.
        self.worker.queue_prefetch = concurrency
        self.worker.delay_prefetch = concurrency

    def crawl_site(self, slug: str, batch: str) -> None:
        try:
            lock = OpsLock(self.db, self.settings.path("locks"), name=site_lock_name(slug),
                           purpose=f"distributed crawl by {self.name}")
            lock.acquire()
        except LockBusy as exc:
            raise SiteBusy(f"{slug}: {exc}") from None
        # A crawl process of this site whose worker was killed holds this until it has ended.
        child_lock = f"{site_lock_name(slug)}:child"
        probe = OpsLock(self.db, self.settings.path("locks"), name=child_lock, purpose="check")
        try:
            probe.acquire()
        except LockBusy as exc:
            lock.release()
            raise SiteBusy(f"{slug}: a crawl of it is still finishing: {exc}") from None
        probe.release()
        self.heartbeat.sites[slug] = time.time()
        try:
            self.heartbeat.beat()
            result = crawl_in_subprocess(self.settings, [slug], log_level=self.log_level, stop=self.stop,
                                         child_lock=child_lock)
        finally:
            self.heartbeat.sites.pop(slug, None)
            lock.release()
        if self.stop.is_set() and not result.ok:
            # Asked to stop mid-crawl: the site goes back for another worker, which crawls only
            # what this one did not store.
            self.queue.actor.send(slug, batch)
            return
        self.queue.report(batch, _report(slug, self.name, result))

    def run(self) -> None:
        """Until `stop` is set (the CLI sets it on SIGTERM / Ctrl-C)."""
        self.heartbeat.beat()
        self.heartbeat.start()
        self.worker.start()
        try:
            # In short steps: a signal handler runs only when the main thread is awake.
            while not self.stop.wait(1.0):
                pass
        finally:
            # Let running crawls close (they saw `stop`), give back what was fetched but not begun.
            self.worker.stop(timeout=int((self.settings.schedule.stop_grace_s + 30) * 1000))
            self.heartbeat.stopped.set()
            self.queue.client.delete(self.queue.key("worker", self.name))
            self.queue.close()
            self.db.dispose()


def _report(slug: str, worker: str, result: CrawlResult) -> dict[str, Any]:
    return {"site": slug, "worker": worker, "returncode": result.returncode, "runs": result.runs,
            "seconds": result.seconds, "timed_out": result.timed_out}


def batch_result(reports: Sequence[dict[str, Any]], missing: Sequence[str], seconds: float) -> CrawlResult:
    """The reports of one batch as one crawl's result (the summary `videre crawl` prints)."""
    runs = [run for r in reports for run in r["runs"]]
    failed = any(r["returncode"] != 0 for r in reports) or bool(missing)
    return CrawlResult(1 if failed else 0, runs, round(seconds, 2),
                       timed_out=bool(missing) or any(r["timed_out"] for r in reports))

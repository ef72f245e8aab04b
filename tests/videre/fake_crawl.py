"""A crawl step for scheduler tests: records each site's Run row as the real crawl does, without
a network or a reactor, and can be held open to play a long crawl."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import select

from crawler.process import CrawlResult, run_summary
from models.ops import Run
from videre.core.config import Settings
from videre.store.db import Database
from videre.store.run_record import RunRecorder


@dataclass
class FakeCrawl:
    db: Database
    ads_new: int = 12
    status: str = "ok"
    calls: list[tuple[list[str], datetime]] = field(default_factory=list)
    hold: threading.Event | None = None  # while set, a crawl waits for release
    release: threading.Event = field(default_factory=threading.Event)
    started: threading.Event = field(default_factory=threading.Event)

    def __call__(self, settings: Settings, slugs: Sequence[str], *, timeout_s: float,
                 stop: threading.Event) -> CrawlResult:
        self.calls.append((list(slugs), datetime.now(timezone.utc)))
        self.started.set()
        ids = []
        for slug in slugs:
            with RunRecorder(self.db, "crawl", slug) as run:
                if self.hold is not None:
                    while not (self.release.wait(0.02) or stop.is_set()):
                        pass
                run.update(pages=3, ads_new=self.ads_new, ads_unchanged=40, photos=20,
                           status="interrupted" if stop.is_set() else self.status)
            ids.append(run.run_id)
        with self.db.session() as s:
            runs = [run_summary(r) for r in s.execute(select(Run).where(Run.id.in_(ids))).scalars()]
        return CrawlResult(0, runs, 0.5)

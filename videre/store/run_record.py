"""Run history: open a Run row when work starts, close it with counts, even when the work fails."""

from __future__ import annotations

from datetime import datetime, timezone
from types import TracebackType
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update

from models.ops import Run
from videre.store.db import Database

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from videre.store.ingest import IngestTally


class RunRecorder:
    """`with RunRecorder(db, "import") as run: ...; run.finish_from(tally)`.

    The row is committed at the start so an operator sees a running job, and again at the end. A run
    left "running" by a killed process is visible as such.
    """

    def __init__(self, db: Database, kind: str, site: str | None = None) -> None:
        self.db = db
        self.kind = kind
        self.site = site
        self.run_id: int | None = None
        self.values: dict[str, Any] = {}

    def __enter__(self) -> "RunRecorder":
        with self.db.session() as s:
            run = Run(kind=self.kind, site=self.site, status="running",
                      started_at=datetime.now(timezone.utc))
            s.add(run)
            s.flush()
            self.run_id = run.id
        return self

    def finish_from(self, tally: "IngestTally", pages: int = 0, **extra: Any) -> None:
        self.values.update(
            pages=pages,
            ads_new=tally.statuses.get("new", 0),
            ads_changed=tally.statuses.get("changed", 0),
            ads_unchanged=tally.statuses.get("unchanged", 0),
            photos=tally.photos,
            errors=dict(tally.errors),
            error_samples=list(tally.samples),
            **extra,
        )

    def update(self, **values: Any) -> None:
        self.values.update(values)

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        values = dict(self.values)
        if exc is not None:
            values["status"] = "failed"
            values["message"] = f"{type(exc).__name__}: {exc}"[:2000]
        else:
            values.setdefault("status", "partial" if values.get("errors") else "ok")
        with self.db.session() as s:
            run = s.get(Run, self.run_id)
            assert run is not None
            for key, value in values.items():
                setattr(run, key, value)
            run.finished_at = datetime.now(timezone.utc)


# Work that only ever runs under the ops lock (videre.store.oplock): nightly runs, crawls, purges.
LOCKED_KINDS = ("nightly", "crawl", "purge")


def close_dead_runs(session: Session) -> list[int]:
    """Mark runs left "running" as killed. Call only while holding the ops lock: then no live
    process can own them, and their process was killed or crashed. Returns their ids."""
    where = [Run.status == "running", Run.kind.in_(LOCKED_KINDS)]
    ids = list(session.execute(select(Run.id).where(*where).order_by(Run.id)).scalars())
    if ids:
        session.execute(update(Run).where(Run.id.in_(ids)).values(
            status="killed", message="its process ended without closing the run (killed or crashed); "
                                     "found by the next run"))
    return ids

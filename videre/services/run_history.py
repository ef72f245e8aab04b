"""Reading the run history (models.ops.Run) for `videre runs` and the web UI, and closing runs that
a dead process left open."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.ops import Run
from videre.core.errors import NotFound
from videre.store.db import Database
from videre.store.run_record import RunRecorder

# What each status tells an operator.
STATUS_MEANING = {
    "running": "still going, or its process died (the next nightly run closes it as killed)",
    "ok": "finished without errors",
    "partial": "finished, with errors or warnings worth a look",
    "failed": "could not do its work",
    "killed": "its process ended without closing the run (SIGKILL, crash, time limit)",
    "interrupted": "stopped on request (SIGTERM); a crawl resumes where it stopped",
    "skipped": "did not start: another run held the lock",
}


@dataclass(frozen=True)
class RunView:
    id: int
    kind: str
    site: str | None
    status: str
    started_at: datetime
    finished_at: datetime | None
    pages: int
    ads_new: int
    ads_changed: int
    ads_unchanged: int
    ads_gone: int
    photos: int
    errors: dict[str, int]
    warnings: list[str]
    message: str
    error_samples: list[dict[str, str]] = field(default_factory=list)

    @property
    def seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()

    @property
    def site_changed(self) -> bool:
        return any(w.startswith("site changed?") for w in self.warnings)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["started_at"] = self.started_at.isoformat()
        out["finished_at"] = self.finished_at.isoformat() if self.finished_at else None
        out["seconds"] = self.seconds
        return out


def _view(run: Run, samples: bool = False) -> RunView:
    return RunView(
        id=run.id, kind=run.kind, site=run.site, status=run.status, started_at=run.started_at,
        finished_at=run.finished_at, pages=run.pages, ads_new=run.ads_new, ads_changed=run.ads_changed,
        ads_unchanged=run.ads_unchanged, ads_gone=run.ads_gone, photos=run.photos,
        errors={str(k): int(v) for k, v in (run.errors or {}).items()},
        warnings=[str(w) for w in (run.warnings or [])], message=run.message or "",
        error_samples=list(run.error_samples or []) if samples else [],
    )


def recent_runs(session: Session, limit: int | None = 50, *, site: str | None = None,
                kind: str | None = None, status: str | None = None) -> list[RunView]:
    """The newest runs first."""
    query = select(Run).order_by(Run.started_at.desc(), Run.id.desc())
    if site:
        query = query.where(Run.site == site)
    if kind:
        query = query.where(Run.kind == kind)
    if status:
        query = query.where(Run.status == status)
    if limit:
        query = query.limit(limit)
    return [_view(r) for r in session.execute(query).scalars()]


def get_run(session: Session, run_id: int) -> RunView:
    run = session.get(Run, run_id)
    if run is None:
        raise NotFound(f"no run {run_id}")
    return _view(run, samples=True)




def record_skipped(db: Database, kind: str, message: str) -> int | None:
    """A run that did not start, recorded so that the night does not look empty."""
    with RunRecorder(db, kind) as run:
        run.update(status="skipped", message=message[:2000])
    return run.run_id

"""Run history: every crawl, import and re-score, with its counts and errors."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow

# APScheduler creates and owns this table (videre.services.schedule); migrations must leave it alone.
SCHEDULER_JOBS_TABLE = "videre_schedule_jobs"

RUN_KINDS = ("crawl", "import", "rescore", "purge", "nightly")


class Run(Base):
    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    site: Mapped[str | None] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    finished_at: Mapped[datetime | None]
    # running, ok, partial (finished with errors), failed, killed
    status: Mapped[str] = mapped_column(String(16), default="running")
    pages: Mapped[int] = mapped_column(default=0)
    ads_new: Mapped[int] = mapped_column(default=0)
    ads_changed: Mapped[int] = mapped_column(default=0)
    ads_unchanged: Mapped[int] = mapped_column(default=0)
    ads_gone: Mapped[int] = mapped_column(default=0)
    photos: Mapped[int] = mapped_column(default=0)
    # kind of error -> count, and a few samples with their messages
    errors: Mapped[dict[str, Any]] = mapped_column(default=dict)
    error_samples: Mapped[list[Any]] = mapped_column(default=list)
    warnings: Mapped[list[Any]] = mapped_column(default=list)
    message: Mapped[str] = mapped_column(Text, default="")

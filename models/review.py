"""The analysts' queue: one item per flagged cluster, with its review state, history, watchlists and alerts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, utcnow

STATUSES = ("new", "in_review", "escalated", "outreach", "closed")
LABELS = ("trafficking_suspected", "independent", "spam", "scam", "other")
WATCH_KINDS = ("phone", "photo", "template")


class QueueItem(Base):
    """Scores are rewritten by every re-score; status, label, assignee and notes never are."""

    __tablename__ = "queue_items"
    __table_args__ = (
        # The queue in its order (score, then newest id), and per status for the tabs and filter.
        Index("ix_queue_items_flagged_score", "flagged", "score", "id"),
        Index("ix_queue_items_flagged_status_score", "flagged", "status", "score", "id"),
        Index("ix_queue_items_scored_at", "scored_at"),
        Index("ix_queue_items_indexed_at", "indexed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id"), unique=True)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    flagged: Mapped[bool] = mapped_column(default=False)
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)
    first_seen: Mapped[datetime | None]
    last_seen: Mapped[datetime | None]
    scored_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    status: Mapped[str] = mapped_column(String(16), default="new")
    label: Mapped[str | None] = mapped_column(String(32))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    # Filter index upkeep (videre.services.facets): when and from what content the facets were built.
    indexed_at: Mapped[datetime | None]
    index_digest: Mapped[str | None] = mapped_column(String(64))


class QueueFacet(Base):
    """One filterable value of a queue item: kind city, site, reason (code), phone (E.164) or word.

    Rebuilt from the item's summary whenever a re-score changes it, so that queue filters are
    index lookups rather than scans of JSON or of the ads table.
    """

    __tablename__ = "queue_facets"

    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    value: Mapped[str] = mapped_column(String(200), primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("queue_items.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Note(Base):
    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("queue_items.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ItemChange(Base):
    """History of an item's review state: who changed what, from what, to what."""

    __tablename__ = "item_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("queue_items.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    field: Mapped[str] = mapped_column(String(32))
    old: Mapped[str | None] = mapped_column(String(200))
    new: Mapped[str | None] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Watchlist(Base):
    """A lead watches a phone (E.164), a photo (SHA-256) or a template (its id); new matching ads raise alerts."""

    __tablename__ = "watchlists"
    __table_args__ = (UniqueConstraint("kind", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(200))
    label: Mapped[str] = mapped_column(String(200), default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    active: Mapped[bool] = mapped_column(default=True)


class Alert(Base):
    """A new ad matched a watchlist entry. One alert per entry and ad, however often it is checked."""

    __tablename__ = "alerts"
    __table_args__ = (
        UniqueConstraint("watchlist_id", "ad_id"),
        Index("ix_alerts_seen_at_created_at", "seen_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    watchlist_id: Mapped[int] = mapped_column(ForeignKey("watchlists.id", ondelete="CASCADE"))
    ad_id: Mapped[int] = mapped_column(ForeignKey("ads.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    seen_at: Mapped[datetime | None]
    seen_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class WeightSetting(Base):
    """A lead's override of one scoring weight; applied on top of config.yaml at the next re-score."""

    __tablename__ = "weight_settings"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    weight: Mapped[float] = mapped_column(Float)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    @classmethod
    def overrides(cls, session: Session) -> dict[str, float]:
        """reason code -> weight, as leads set them in the web UI."""
        return {code: weight for code, weight in session.execute(select(cls.code, cls.weight))}

"""Sites, ads and the versions of each ad's content."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, utcnow


class Site(Base):
    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Ad(Base):
    """One ad, identified by its canonical url. The current content lives here; history in AdVersion."""

    __tablename__ = "ads"
    __table_args__ = (
        Index("ix_ads_site_last_seen", "site_id", "last_seen"),
        Index("ix_ads_changed_at", "changed_at"),
        # The item page lists a cluster's ads in time order, all or one name's, a page at a time;
        # the first also serves every look-up by cluster (a third index would only slow the
        # re-score's writes of ads.cluster_id).
        Index("ix_ads_cluster_when", "cluster_id", func.coalesce(text("posted_at"), text("first_seen")), "id"),
        Index("ix_ads_cluster_name_when", "cluster_id", "name",
              func.coalesce(text("posted_at"), text("first_seen")), "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    version: Mapped[int] = mapped_column(default=1)
    content_hash: Mapped[str] = mapped_column(String(64))
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)
    # When content or extraction last changed: incremental re-scoring starts from here.
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    gone_at: Mapped[datetime | None]
    posted_at: Mapped[datetime | None]

    title: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    name: Mapped[str] = mapped_column(String(500), default="")
    age_raw: Mapped[str] = mapped_column(String(200), default="")
    location_raw: Mapped[str] = mapped_column(String(500), default="")
    phone_raw: Mapped[str] = mapped_column(String(500), default="")
    region: Mapped[str] = mapped_column(String(2), default="SE")

    # Extraction results (videre.extract.normalise); recomputed by `videre rescore --archive`.
    age: Mapped[int | None]
    city: Mapped[str | None] = mapped_column(String(200))
    place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"))
    phone_obfuscated: Mapped[bool] = mapped_column(default=False)
    extraction: Mapped[dict[str, Any]] = mapped_column(default=dict)

    cluster_id: Mapped[int | None] = mapped_column(ForeignKey("clusters.id", ondelete="SET NULL"))

    site: Mapped[Site] = relationship()
    versions: Mapped[list["AdVersion"]] = relationship(
        back_populates="ad", cascade="all, delete-orphan", order_by="AdVersion.version"
    )


class AdVersion(Base):
    """The ad's content each time it changed, so an analyst can see what it said when."""

    __tablename__ = "ad_versions"
    __table_args__ = (UniqueConstraint("ad_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ad_id: Mapped[int] = mapped_column(ForeignKey("ads.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    scraped_at: Mapped[datetime]
    content_hash: Mapped[str] = mapped_column(String(64))
    record: Mapped[dict[str, Any]] = mapped_column(default=dict)

    ad: Mapped[Ad] = relationship(back_populates="versions")

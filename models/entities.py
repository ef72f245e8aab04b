"""What ads are linked through: phones, photos, templates, places; and the clusters the links make."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Float, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow


class HubMixin:
    """An identifier seen in too many unrelated contexts is a hub and is kept out of linking."""

    is_hub: Mapped[bool] = mapped_column(default=False)
    hub_reason: Mapped[str] = mapped_column(Text, default="")
    # An analyst's decision beats the detector: True forces hub, False forces "not a hub".
    hub_override: Mapped[bool | None]


class Phone(HubMixin, Base):
    __tablename__ = "phones"

    id: Mapped[int] = mapped_column(primary_key=True)
    e164: Mapped[str] = mapped_column(String(20), unique=True)
    country: Mapped[str] = mapped_column(String(2), default="")
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)


class AdPhone(Base):
    __tablename__ = "ad_phones"

    ad_id: Mapped[int] = mapped_column(ForeignKey("ads.id", ondelete="CASCADE"), primary_key=True)
    phone_id: Mapped[int] = mapped_column(
        ForeignKey("phones.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    raw: Mapped[str] = mapped_column(String(500), default="")
    field: Mapped[str] = mapped_column(String(32), default="")
    # How the number was hidden (words, look-alikes, separators, ...); empty when written plainly.
    obfuscation: Mapped[list[Any]] = mapped_column(default=list)


class Photo(HubMixin, Base):
    __tablename__ = "photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    width: Mapped[int] = mapped_column(default=0)
    height: Mapped[int] = mapped_column(default=0)
    # Packed perceptual hashes (videre.extract.normalise.images); never the photo itself.
    fingerprint: Mapped[bytes] = mapped_column(LargeBinary)
    thumbnail: Mapped[bytes | None] = mapped_column(LargeBinary)
    original_path: Mapped[str | None] = mapped_column(String(1024))
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)


class AdPhoto(Base):
    __tablename__ = "ad_photos"

    ad_id: Mapped[int] = mapped_column(ForeignKey("ads.id", ondelete="CASCADE"), primary_key=True)
    photo_id: Mapped[int] = mapped_column(
        ForeignKey("photos.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    url: Mapped[str] = mapped_column(String(2048), default="")


class Place(Base):
    __tablename__ = "places"
    __table_args__ = (UniqueConstraint("name", "country"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2), default="SE")
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)


class AdPlace(Base):
    """Where an ad said it was, and when: the raw material of observed movement."""

    __tablename__ = "ad_places"

    ad_id: Mapped[int] = mapped_column(ForeignKey("ads.id", ondelete="CASCADE"), primary_key=True)
    place_id: Mapped[int] = mapped_column(
        ForeignKey("places.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    raw: Mapped[str] = mapped_column(String(500), default="")
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)


class Cluster(Base):
    """A connected group of ads. Its id is kept across re-scoring while membership mostly persists."""

    __tablename__ = "clusters"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    size: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("clusters.id"))
    features: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Hash of the features as last written: a re-score rewrites only clusters whose digest moved.
    digest: Mapped[str] = mapped_column(String(32), default="")


class ClusterSummary(Base):
    """What the item page shows of a whole cluster, counted at re-score time (triage.item_summary),
    so that the page reads a few rows however many ads the cluster holds.

    `stamp` says which ads it was counted from (their number, ids and last change); a re-score
    recounts only clusters whose stamp moved.
    """

    __tablename__ = "cluster_summaries"

    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id", ondelete="CASCADE"), primary_key=True)
    n_ads: Mapped[int] = mapped_column(default=0)
    stamp: Mapped[str] = mapped_column(String(64), default="")
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)


class ClusterEvent(Base):
    """Merges and splits, so an analyst can follow where a labelled group went."""

    __tablename__ = "cluster_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(16))
    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id", ondelete="CASCADE"), index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Template(HubMixin, Base):
    """Ads written from one template: the wording they share, with slots where they differ.

    Found by triage (MinHash candidates, verified), kept only when several women's ads use it. Like a
    cluster, it keeps its id across re-scoring while its ads mostly stay, so that an analyst's hub
    decision and watchlist entries stay attached.
    """

    __tablename__ = "templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    active: Mapped[bool] = mapped_column(default=True)
    size: Mapped[int] = mapped_column(default=0)
    names: Mapped[int] = mapped_column(default=0)
    # The shared wording with numbered slots, e.g. "{1} är {2} år och kommer från Rumänien."
    text: Mapped[str] = mapped_column(Text, default="")
    # Which ads the display was built from; the display is rebuilt only when they change.
    digest: Mapped[str] = mapped_column(String(32), default="")


class AdTemplate(Base):
    """An ad's link to its template: how closely it follows it, and what fills each slot."""

    __tablename__ = "ad_templates"

    ad_id: Mapped[int] = mapped_column(ForeignKey("ads.id", ondelete="CASCADE"), primary_key=True)
    template_id: Mapped[int] = mapped_column(
        ForeignKey("templates.id", ondelete="CASCADE"), index=True
    )
    similarity: Mapped[float] = mapped_column(Float, default=1.0)
    slots: Mapped[list[Any]] = mapped_column(default=list)


class AdSignal(Base):
    """What triage reads of one ad, cached narrow so that a re-score never scans the wide ads table.

    A pure function of the ad's stored content and extraction: recomputed when the ad's
    `changed_at` differs from the one it was computed from, or when the computation's version
    changes. That is what makes an incremental re-score give exactly what a full one gives.
    """

    __tablename__ = "ad_signals"

    ad_id: Mapped[int] = mapped_column(ForeignKey("ads.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[int] = mapped_column(default=0)
    source_changed_at: Mapped[datetime]
    # The ad's own fields as triage uses them: site, folded name, age (0 unknown), city, when it
    # was posted (epoch seconds: posted_at, else first seen) and its content version.
    site_id: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(100), default="")
    age: Mapped[int] = mapped_column(default=0)
    city: Mapped[str] = mapped_column(String(200), default="")
    seen: Mapped[int] = mapped_column(BigInteger, default=0)
    ad_version: Mapped[int] = mapped_column(default=0)
    # For queue summaries: read here by id, not from the wide ads table.
    url: Mapped[str] = mapped_column(String(2048), default="")
    # Template words (text without names, numbers, places, prices): a hash and MinHash LSH bands.
    doc_key: Mapped[int] = mapped_column(BigInteger, default=0)
    n_tokens: Mapped[int] = mapped_column(default=0)
    bands: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    # Indicator bits (triage.signals.FLAGS) and stated nationalities from the extraction.
    flags: Mapped[int] = mapped_column(default=0)
    nationalities: Mapped[str] = mapped_column(String(200), default="")


class TemplateWords(Base):
    """The template words of each distinct ad text (by its `ad_signals.doc_key`), for verifying
    template candidates without re-reading ads. Kept apart from ad_signals, which every re-score
    scans, and once per distinct text: reposts share one row.
    """

    __tablename__ = "template_words"

    doc_key: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    words: Mapped[str] = mapped_column(Text, default="")

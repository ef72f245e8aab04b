"""What the crawler remembers about each ad's page between crawls, for incremental crawling."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow


class PageState(Base):
    """The HTTP validators of an ad's page and when it was last checked.

    Written in the same transaction as the ad, so a crawl killed at any point leaves either both
    or neither: a page is never remembered as checked when its ad was not stored.
    """

    __tablename__ = "page_states"

    ad_id: Mapped[int] = mapped_column(ForeignKey("ads.id", ondelete="CASCADE"), primary_key=True)
    etag: Mapped[str] = mapped_column(String(256), default="")
    last_modified: Mapped[str] = mapped_column(String(64), default="")
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)

"""What the store remembers about ad pages between crawls, and the writes that keep it: no Scrapy
here, so `videre import` can use the same store path without loading the crawler."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session

from models.ads import Ad, Site
from models.crawl import PageState
from videre.store.bulk_write import upsert_insert

MAX_VALIDATOR = 256


@dataclass(frozen=True)
class KnownPage:
    content_hash: str
    etag: str
    last_modified: str
    checked_at: datetime | None


class PageMemory:
    """What the store knows about one site's ad pages, read once when its crawl opens."""

    def __init__(self, pages: Mapping[str, KnownPage], recheck: timedelta) -> None:
        self.pages = dict(pages)
        self.recheck = recheck

    @classmethod
    def load(cls, session: Session, site: str, recheck_hours: float) -> "PageMemory":
        rows = session.execute(
            select(Ad.url, Ad.content_hash, PageState.etag, PageState.last_modified, PageState.checked_at)
            .join(Site, Site.id == Ad.site_id)
            .outerjoin(PageState, PageState.ad_id == Ad.id)
            .where(Site.slug == site)
        )
        pages = {url: KnownPage(h, etag or "", lm or "", checked) for url, h, etag, lm, checked in rows}
        return cls(pages, timedelta(hours=recheck_hours))

    def known(self, url: str) -> bool:
        return url in self.pages

    def fresh(self, url: str, now: datetime) -> bool:
        """Checked recently enough that asking again is not worth a request."""
        page = self.pages.get(url)
        return bool(page and page.checked_at and self.recheck and now - page.checked_at < self.recheck)

    def conditional_headers(self, url: str) -> dict[str, str]:
        page = self.pages.get(url)
        if page is None:
            return {}
        headers = {}
        if page.etag:
            headers["If-None-Match"] = page.etag
        if page.last_modified:
            headers["If-Modified-Since"] = page.last_modified
        return headers

    def same_content(self, url: str, content_hash: str) -> bool:
        page = self.pages.get(url)
        return page is not None and page.content_hash == content_hash


def validators(headers: Iterable[tuple[str, str]]) -> tuple[str, str]:
    """(ETag, Last-Modified) from a page's response headers, bounded; empty when absent."""
    etag = last_modified = ""
    for key, value in headers:
        name = key.lower()
        if name == "etag":
            etag = value.strip()[:MAX_VALIDATOR]
        elif name == "last-modified":
            last_modified = value.strip()[:64]
    return etag, last_modified


def remember_pages(session: Session, pages: Sequence[tuple[int, tuple[str, str]]], now: datetime) -> None:
    """Record that these ads' pages were fetched now, with these (ETag, Last-Modified) validators;
    in the ads' own transaction, so a page is never remembered as checked without its ad."""
    if not pages:
        return
    table: Table = PageState.__table__  # type: ignore[assignment]
    rows = [{"ad_id": ad_id, "etag": etag, "last_modified": lm, "checked_at": now}
            for ad_id, (etag, lm) in dict(pages).items()]
    stmt = upsert_insert(session, table)
    stmt = stmt.on_conflict_do_update(index_elements=[table.c.ad_id], set_={
        "etag": stmt.excluded.etag, "last_modified": stmt.excluded.last_modified,
        "checked_at": stmt.excluded.checked_at})
    session.execute(stmt, rows)


def remember_page(session: Session, ad_id: int, etag: str, last_modified: str, now: datetime) -> None:
    remember_pages(session, [(ad_id, (etag, last_modified))], now)


def mark_seen(session: Session, url: str, now: datetime, checked: bool) -> bool:
    """An ad still online and unchanged: seen now (and its page checked now, if it was asked for).
    False when the store no longer has it (purged since the crawl began)."""
    ad_id = session.execute(select(Ad.id).where(Ad.url == url)).scalar_one_or_none()
    if ad_id is None:
        return False
    session.execute(update(Ad).where(Ad.id == ad_id, Ad.last_seen < now).values(last_seen=now))
    session.execute(update(Ad).where(Ad.id == ad_id).values(gone_at=None))
    if checked:
        session.execute(update(PageState).where(PageState.ad_id == ad_id).values(checked_at=now))
    return True


def mark_gone(session: Session, site: str, since: datetime, now: datetime) -> int:
    """Ads of `site` not seen since `since` (the start of a complete crawl) have left the site."""
    site_id = session.execute(select(Site.id).where(Site.slug == site)).scalar_one_or_none()
    if site_id is None:
        return 0
    result = session.execute(update(Ad).where(Ad.site_id == site_id, Ad.last_seen < since, Ad.gone_at.is_(None))
                             .values(gone_at=now))
    return int(result.rowcount or 0)

"""Ads put straight into the store, with the dates and case attachments a test needs."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.ads import Ad
from models.entities import Cluster
from models.review import QueueItem
from videre.extract.records import AdRecord
from videre.store.ads import PhotoRow, store_ad


def photo_row(name: str, url: str) -> PhotoRow:
    sha = hashlib.sha256(name.encode()).hexdigest()
    return PhotoRow(url=url, sha256=sha, width=600, height=800, fingerprint=sha.encode()[:40],
                    thumbnail=b"\xff\xd8thumb-" + name.encode())


def add_ad(session: Session, url: str, *, seen: datetime, phone: str = "+46701740605",
           photos: tuple[str, ...] = (), site: str = "nattfjaril", title: str = "Ny i stan",
           body: str = "Söt tjej, ring mig", location: str = "Göteborg") -> Ad:
    """Store an ad first and last seen at `seen`; `photos` are photo names (same name, same photo)."""
    raw = "0" + phone[3:6] + "-" + phone[6:] if phone.startswith("+46") else phone
    record = AdRecord(url=url, site=site, scraped_at=seen, title=title, body=body, name="Lina", age="23",
                      location=location, phone=raw,
                      images=tuple(f"{url}/bild/{p}.jpg" for p in photos))
    extraction = {"phones": [{"e164": phone, "raw": raw, "field": "phone"}] if phone else [],
                  "location": None}
    rows = [photo_row(p, f"{url}/bild/{p}.jpg") for p in photos]
    outcome = store_ad(session, record, extraction, rows, "SE", seen)
    session.flush()
    return session.execute(select(Ad).where(Ad.id == outcome.ad_id)).scalar_one()


def edit_ad(session: Session, url: str, *, seen: datetime, body: str) -> Ad:
    """A new version of a stored ad, scraped at `seen`."""
    ad = session.execute(select(Ad).where(Ad.url == url)).scalar_one()
    record = AdRecord(url=url, site=ad.site.slug, scraped_at=seen, title=ad.title, body=body, name=ad.name,
                      age=ad.age_raw, location=ad.location_raw, phone=ad.phone_raw)
    store_ad(session, record, dict(ad.extraction), [], "SE", seen)
    session.flush()
    return ad


def attach(session: Session, ads: list[Ad], status: str) -> QueueItem:
    """Put the ads in one cluster whose queue item has `status`."""
    cluster = Cluster(size=len(ads))
    session.add(cluster)
    session.flush()
    for ad in ads:
        ad.cluster_id = cluster.id
    item = QueueItem(cluster_id=cluster.id, score=3.0, flagged=True, status=status)
    session.add(item)
    session.flush()
    return item

"""Reading the flagged queue: the shapes `videre queue` and the web UI show (docs/cli.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.ads import Ad, Site
from models.entities import AdPhone, AdPhoto, AdTemplate, Cluster, Phone, Photo, Template
from models.review import STATUSES, ItemChange, Note, QueueItem
from videre.core.errors import InputError, NotFound


def _iso(t: datetime | None) -> str | None:
    return t.isoformat() if t else None


# The reason fields of the `videre queue` contract; the stored template and params are for the web
# UI's translations.
REASON_FIELDS = ("code", "text", "weight")


def item_summary(item: QueueItem) -> dict[str, Any]:
    s = item.summary or {}
    return {
        "id": item.id, "score": item.score, "status": item.status,
        "reasons": [{k: r[k] for k in REASON_FIELDS if k in r} for r in item.reasons or []], "ads": s.get("ads", []), "phones": s.get("phones", []),
        "cities": s.get("cities", []), "first_seen": _iso(item.first_seen),
        "last_seen": _iso(item.last_seen),
    }


def list_items(session: Session, limit: int | None = 50, status: str | None = None,
               offset: int = 0) -> list[dict[str, Any]]:
    if status is not None and status not in STATUSES:
        raise InputError(f"unknown status {status!r}; use one of {', '.join(STATUSES)}")
    q = select(QueueItem).where(QueueItem.flagged.is_(True))
    if status:
        q = q.where(QueueItem.status == status)
    q = q.order_by(QueueItem.score.desc(), QueueItem.id).offset(offset)
    if limit:
        q = q.limit(limit)
    return [item_summary(i) for i in session.execute(q).scalars()]


def show_item(session: Session, item_id: int) -> dict[str, Any]:
    item = session.get(QueueItem, item_id)
    if item is None:
        raise NotFound(f"no queue item {item_id}")
    ads = session.execute(
        select(Ad, Site.slug).join(Site, Site.id == Ad.site_id)
        .where(Ad.cluster_id == item.cluster_id).order_by(Ad.posted_at, Ad.id)
    ).all()
    ad_ids = [a.id for a, _ in ads]
    phones: dict[int, list[str]] = {}
    for ad_id, e164, is_hub in session.execute(
        select(AdPhone.ad_id, Phone.e164, Phone.is_hub).join(Phone, Phone.id == AdPhone.phone_id)
        .where(AdPhone.ad_id.in_(ad_ids))
    ):
        phones.setdefault(ad_id, []).append(e164 + (" (hub)" if is_hub else ""))
    photos: dict[int, list[dict[str, Any]]] = {}
    for ad_id, photo_id, sha, is_hub in session.execute(
        select(AdPhoto.ad_id, Photo.id, Photo.sha256, Photo.is_hub).join(Photo, Photo.id == AdPhoto.photo_id)
        .where(AdPhoto.ad_id.in_(ad_ids)).order_by(AdPhoto.position)
    ):
        photos.setdefault(ad_id, []).append({"id": photo_id, "sha256": sha, "hub": is_hub})
    cluster = session.get(Cluster, item.cluster_id)
    features = dict(cluster.features or {}) if cluster is not None else {}
    evidence = features.pop("evidence", {})
    links = {a: (t, sim, slots) for a, t, sim, slots in session.execute(
        select(AdTemplate.ad_id, AdTemplate.template_id, AdTemplate.similarity, AdTemplate.slots)
        .where(AdTemplate.ad_id.in_(ad_ids)))}
    template_ids = sorted({t for t, _, _ in links.values()})
    out = item_summary(item)
    out["cluster_id"] = item.cluster_id
    out["label"] = item.label
    out["features"] = features
    out["links"] = evidence.get("links", [])
    out["hubs"] = evidence.get("hubs", [])
    out["route"] = evidence.get("route", [])
    out["templates"] = [{"id": t.id, "text": t.text, "ads": t.size, "names": t.names, "hub": t.is_hub,
                         "hub_reason": t.hub_reason}
                        for t in session.execute(select(Template).where(Template.id.in_(template_ids))
                                                 .order_by(Template.id)).scalars()]
    out["ads"] = [{
        "id": a.id, "url": a.url, "site": slug, "title": a.title, "body": a.body, "name": a.name,
        "age": a.age, "city": a.city, "location": a.location_raw, "phones": phones.get(a.id, []),
        "photos": photos.get(a.id, []), "posted_at": _iso(a.posted_at),
        "first_seen": _iso(a.first_seen), "last_seen": _iso(a.last_seen),
        "phone_obfuscated": a.phone_obfuscated, "version": a.version,
        "template": ({"id": links[a.id][0], "similarity": links[a.id][1], "slots": links[a.id][2]}
                     if a.id in links else None),
    } for a, slug in ads]
    out["timeline"] = [{"when": _iso(a.posted_at or a.first_seen), "city": a.city, "name": a.name,
                        "url": a.url} for a, _ in ads]
    out["notes"] = [{"at": _iso(n.created_at), "user_id": n.user_id, "text": n.text}
                    for n in session.execute(select(Note).where(Note.item_id == item.id)
                                             .order_by(Note.created_at)).scalars()]
    out["history"] = [{"at": _iso(c.at), "field": c.field, "old": c.old, "new": c.new}
                      for c in session.execute(select(ItemChange).where(ItemChange.item_id == item.id)
                                               .order_by(ItemChange.at)).scalars()]
    return out

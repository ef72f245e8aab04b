"""Write a triage result back: cluster ids on ads, clusters, hub marks and queue items.

Bulk statements only; analysts' state on queue items (status, label, assignee, notes) is never
touched here.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from models.ads import Ad
from models.entities import Cluster, ClusterEvent, Phone, Photo
from models.review import QueueItem
from triage.cluster import Assignment
from triage.features import ClusterFeatures
from triage.frame import Frame
from triage.score import Reason

HUB_MODELS = {"phone": Phone, "photo": Photo}


def write_hubs(session: Session, frame: Frame) -> None:
    for kind, keys in frame.keys.items():
        model = HUB_MODELS.get(kind)
        if model is None or not len(keys.ids):
            continue
        current = dict(session.execute(select(model.id, model.hub_reason)).all())
        changes = [{"id": int(i), "is_hub": bool(h), "hub_reason": r}
                   for i, h, r in zip(keys.ids.tolist(), keys.hub.tolist(), keys.hub_reason)
                   if current.get(i, "") != r]
        if changes:
            session.execute(update(model), changes)


def write_clusters(session: Session, frame: Frame, result: Assignment,
                   features: dict[int, ClusterFeatures], now: datetime) -> None:
    present = set(features)
    existing = set(session.execute(select(Cluster.id)).scalars())
    new_rows = [{"id": cid, "created_at": now, "updated_at": now, "size": features[cid].n_ads,
                 "active": True, "features": features[cid].to_json()}
                for cid in sorted(present - existing)]
    if new_rows:
        session.execute(insert(Cluster), new_rows)
    kept = [{"id": cid, "updated_at": now, "size": features[cid].n_ads, "active": True,
             "features": features[cid].to_json()} for cid in sorted(present & existing)]
    if kept:
        session.execute(update(Cluster), kept)
    gone = [{"id": cid, "active": False, "updated_at": now} for cid in sorted(existing - present)]
    if gone:
        session.execute(update(Cluster), gone)

    moved = np.nonzero(frame.old_cluster != result.cluster_of)[0]
    if len(moved):
        session.execute(update(Ad), [{"id": int(frame.ad_ids[p]), "cluster_id": int(result.cluster_of[p])}
                                     for p in moved.tolist()])
    for kind, cid, detail in result.events:
        session.add(ClusterEvent(kind=kind, cluster_id=cid, detail=detail, at=now))


def write_queue(session: Session, frame: Frame, features: dict[int, ClusterFeatures],
                reasons: dict[int, list[Reason]], scores: dict[int, float], threshold: float,
                now: datetime) -> int:
    """Create or refresh items for flagged clusters; unflag items whose cluster fell below."""
    items = dict(session.execute(select(QueueItem.cluster_id, QueueItem.id)).all())
    inserts, updates = [], []
    flagged = 0
    for cid, f in features.items():
        s = scores.get(cid, 0.0)
        is_flagged = s >= threshold and bool(reasons.get(cid))
        flagged += is_flagged
        if not is_flagged and cid not in items:
            continue
        row = {
            "score": s, "flagged": is_flagged,
            "reasons": [r.to_json() for r in reasons.get(cid, [])],
            "summary": {"ads": [frame.urls[p] for p in sorted(f.ads)][:500], "phones": f.phones,
                        "cities": f.cities, "names": f.names[:50], "n_ads": f.n_ads},
            "first_seen": f.first_seen, "last_seen": f.last_seen, "scored_at": now,
        }
        if cid in items:
            updates.append({"id": items[cid], **row})
        else:
            inserts.append({"cluster_id": cid, "created_at": now, "status": "new", **row})
    orphaned = set(items) - set(features)
    updates.extend({"id": items[cid], "flagged": False, "scored_at": now} for cid in orphaned)
    if inserts:
        session.execute(insert(QueueItem), inserts)
    if updates:
        session.execute(update(QueueItem), updates)
    return flagged

"""The triage pipeline: load -> guard hubs -> link -> cluster -> features -> score -> queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

import numpy as np
from sqlalchemy import func, select

from models.entities import Cluster
from triage.cluster import UnionFind, key_edges, stable_ids
from triage.features import compute_features
from triage.frame import load_frame
from triage.guard import mark_hubs
from triage.persist import write_clusters, write_hubs, write_queue
from triage.score import reasons_for, score
from videre.config import Settings
from videre.db import Database
from videre.runs import RunRecorder


@dataclass(frozen=True)
class RescoreResult:
    ads: int
    clusters: int
    flagged: int
    hubs: int
    seconds: float


def rescore(settings: Settings, db: Database, full: bool = True) -> RescoreResult:
    started = datetime.now(timezone.utc)
    with RunRecorder(db, "rescore") as run, db.session() as session:
        frame = load_frame(session)
        for keys in frame.keys.values():
            mark_hubs(frame, keys, settings.triage.hubs)
        uf = UnionFind(len(frame))
        for keys in frame.keys.values():
            uf.union_pairs(*key_edges(keys))
        next_id = (session.execute(select(func.max(Cluster.id))).scalar() or 0) + 1
        assignment = stable_ids(uf.labels(), frame.old_cluster, next_id)
        features = compute_features(frame, assignment.cluster_of, settings.region)
        reasons = {cid: reasons_for(f, settings.triage.weights) for cid, f in features.items()}
        scores = {cid: score(r) for cid, r in reasons.items()}
        now = datetime.now(timezone.utc)
        write_hubs(session, frame)
        write_clusters(session, frame, assignment, features, now)
        flagged = write_queue(session, frame, features, reasons, scores, settings.triage.threshold, now)
        hubs = int(sum(np.count_nonzero(k.hub) for k in frame.keys.values()))
        run.update(ads_unchanged=len(frame), message=f"{len(features)} clusters, {flagged} flagged, {hubs} hubs")
    seconds = (datetime.now(timezone.utc) - started).total_seconds()
    return RescoreResult(len(frame), len(features), flagged, hubs, seconds)

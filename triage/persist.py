"""Write a triage result back: hub marks, clusters, ads' cluster ids, events and queue items.

Bulk statements only, and only rows that changed: each cluster carries a digest of its features,
each queue item is compared with what is stored. Analysts' state on queue items (status, label,
assignee, notes) is never touched here.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import Column, Integer, MetaData, Table, insert, select
from sqlalchemy.orm import Session

from models.ads import Ad
from models.entities import Cluster, ClusterEvent, Phone, Photo
from models.review import Note, QueueItem
from triage.cluster import Assignment
from triage.features import FeatureTable
from triage.frame import Frame, Keys
from triage.rows import (
    BULK_ROWS,
    db_time,
    dialect,
    executemany,
    fetch_all,
    fetch_by_keys,
    indexes_rebuilt,
    json_text,
    update_by_id,
)
from triage.templates import ID_CHUNK
from videre.store.bulk_write import write_many

_MIX = np.uint64(0x9E3779B97F4A7C15)
CHUNK = 20_000
# (ad, new cluster) pairs of a bulk move on PostgreSQL, for one connection's unit of work only.
_MOVED = Table("moved_ads", MetaData(), Column("id", Integer), Column("cluster_id", Integer),
               prefixes=["TEMPORARY"])


def _write_changed(session: Session, model: type, ids: np.ndarray, hub: np.ndarray,
                   reasons: list[str]) -> int:
    current = {r[0]: (bool(r[1]), r[2]) for r in fetch_all(
        session, f"SELECT id, is_hub, hub_reason FROM {model.__tablename__}")}  # type: ignore[attr-defined]
    changes = [{"id": int(i), "is_hub": bool(h), "hub_reason": r}
               for i, h, r in zip(ids.tolist(), hub.tolist(), reasons)
               if current.get(i, (False, "")) != (bool(h), r)]
    update_by_id(session, model.__table__, changes)  # type: ignore[attr-defined]
    return len(changes)


def write_hubs(session: Session, phones: Keys, photos: Keys | None, photo_ids: np.ndarray,
               photo_group: np.ndarray) -> None:
    _write_changed(session, Phone, phones.ids, phones.hub, phones.hub_reason)
    if photos is not None and len(photo_ids):
        # Every photo of a group carries the group's mark, so analysts see it on any copy.
        _write_changed(session, Photo, photo_ids, photos.hub[photo_group],
                       [photos.hub_reason[g] for g in photo_group.tolist()])


def row_hashes(table: FeatureTable, score: np.ndarray) -> np.ndarray:
    """A 64-bit hash of each cluster's feature values and score (vectorised)."""
    cols = [np.asarray(v, dtype=np.float64) for k, v in vars(table).items() if k != "cids"] + [score]
    h = np.zeros(len(table.cids), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for col in cols:
            bits = np.round(col, 6).view(np.uint64)
            h = (h ^ bits ^ (bits >> np.uint64(29))) * _MIX
    return h


def digest_of(numeric: int, detail: dict[str, Any] | None) -> str:
    if detail is None:
        return f"{numeric:016x}"
    blob = json.dumps(detail, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.blake2b(f"{numeric}:{blob}".encode(), digest_size=16).hexdigest()


def analyst_touched(session: Session) -> set[int]:
    """Clusters whose queue item an analyst has worked on: their ids win ties when clusters merge."""
    conn = session.connection()
    touched = set(conn.execute(select(QueueItem.cluster_id).where(
        (QueueItem.status != "new") | QueueItem.label.is_not(None)
        | QueueItem.assignee_id.is_not(None))).scalars())
    noted = select(Note.item_id).distinct()
    touched.update(conn.execute(select(QueueItem.cluster_id).where(QueueItem.id.in_(noted))).scalars())
    return touched


def feature_rows(table: FeatureTable, score: np.ndarray, rows: np.ndarray) -> list[dict[str, Any]]:
    """The features of these cluster rows as JSON-ready dicts (column-wise, not cell by cell)."""
    names = [f for f in vars(table) if f != "cids"]
    cols = []
    for name in names:
        col = getattr(table, name)[rows]
        cols.append(np.round(col, 3).tolist() if col.dtype.kind == "f" else col.tolist())
    cols.append(np.round(score[rows], 3).tolist())
    # Zeros are left out (most clusters are one woman's few ads): absent means 0.
    keys = [*names, "score"]
    return [{k: v for k, v in zip(keys, values) if v} for values in zip(*cols)]


def write_clusters(session: Session, frame: Frame, table: FeatureTable, score: np.ndarray,
                   result: Assignment, digests: list[str], details: dict[int, dict[str, Any]],
                   now: datetime) -> int:
    """Insert new clusters, rewrite those whose digest changed, retire the gone; move ads.

    Rows are built and written a chunk at a time, so a first run over a million ads does not hold
    every cluster's features at once.
    """
    existing = {r[0]: (r[1], bool(r[2])) for r in fetch_all(session, "SELECT id, digest, active FROM clusters")}
    cids = table.cids.tolist()
    todo = np.array([i for i, cid in enumerate(cids) if existing.get(cid) != (digests[i], True)],
                    dtype=np.int64)
    written = len(todo)
    stamp = db_time(session, now)
    for start in range(0, len(todo), CHUNK):
        rows = todo[start:start + CHUNK]
        inserts, updates = [], []
        for i, features in zip(rows.tolist(), feature_rows(table, score, rows)):
            if i in details:
                features["evidence"] = details[i]
                features["route"] = details[i]["route"]
            blob = json_text(features)
            if cids[i] in existing:
                updates.append((stamp, int(table.n_ads[i]), blob, digests[i], cids[i]))
            else:
                inserts.append((cids[i], stamp, stamp, int(table.n_ads[i]), blob, digests[i]))
        # Raw statements: a first run writes a row for every cluster of a million ads.
        executemany(session, "INSERT INTO clusters (id, created_at, updated_at, size, active, "
                             "merged_into_id, features, digest) VALUES (?, ?, ?, ?, TRUE, NULL, ?, ?)", inserts)
        executemany(session, "UPDATE clusters SET updated_at = ?, size = ?, active = TRUE, "
                             "merged_into_id = NULL, features = ?, digest = ? WHERE id = ?", updates)
    present = set(cids)
    gone = [{"id": cid, "active": False, "updated_at": now,
             "merged_into_id": result.retired.get(cid) if result.retired.get(cid) in present else None}
            for cid, (_, active) in existing.items() if active and cid not in present]
    update_by_id(session, Cluster.__table__, gone)
    moved = np.nonzero(frame.old_cluster != result.cluster_of)[0]
    # Beyond BULK_ROWS moved ads, rebuilding ads' cluster indexes beats updating them row by row.
    bulk = len(moved) > BULK_ROWS
    with _cluster_indexes_rebuilt(session, bulk):
        _move_ads(session, frame.ad_ids[moved].tolist(), result.cluster_of[moved].tolist(), bulk)
    if result.events:
        session.execute(insert(ClusterEvent.__table__),
                        [{"kind": k, "cluster_id": c, "detail": d, "at": now} for k, c, d in result.events])
    return written + len(gone)


def _move_ads(session: Session, ad_ids: list[int], cluster_ids: list[int], bulk: bool) -> None:
    """Write ads' new cluster ids. On PostgreSQL a bulk move is one UPDATE joined to the pairs
    loaded by COPY into a temporary table: a million single-row UPDATEs took most of a first
    re-score's writing there (bench/README.md, Triage). On SQLite the same UPDATE ... FROM was
    no faster than the driver's executemany at 1M ads: SQLite gathers the joined rows first, and
    most of the cost is rewriting each row and checking its cluster for the foreign key, either
    way (bench/README.md, "The first full re-score, timed quiet")."""
    if not (bulk and dialect(session) == "postgresql"):
        executemany(session, "UPDATE ads SET cluster_id = ? WHERE id = ?", list(zip(cluster_ids, ad_ids)))
        return
    conn = session.connection()
    _MOVED.create(conn)
    for start in range(0, len(ad_ids), CHUNK):
        write_many(session, insert(_MOVED), [{"id": a, "cluster_id": c} for a, c in
                                             zip(ad_ids[start:start + CHUNK], cluster_ids[start:start + CHUNK])])
    conn.exec_driver_sql("ANALYZE moved_ads")
    conn.exec_driver_sql("UPDATE ads SET cluster_id = moved_ads.cluster_id FROM moved_ads WHERE ads.id = moved_ads.id")
    _MOVED.drop(conn)


@contextmanager
def _cluster_indexes_rebuilt(session: Session, bulk: bool) -> Iterator[None]:
    """When most ads move (a first re-score of an import), drop the indexes that lead with
    ads.cluster_id and build them again afterwards: building an index once costs a few seconds
    at 1M ads, keeping it up to date through a million updates most of a minute
    (bench/README.md). On PostgreSQL the table's statistics are refreshed too."""
    indexes = [ix for ix in Ad.__table__.indexes
               if next(iter(ix.expressions)) is Ad.__table__.c.cluster_id] if bulk else []
    with indexes_rebuilt(session, indexes):
        yield
    conn = session.connection()
    if indexes and conn.dialect.name == "postgresql":
        # The planner's row counts for ads are from before the move (or from never, after a
        # restore): counting item pages next would seq-scan ads once per chunk of clusters,
        # 686 s against 7 s of CPU at 1M ads (bench/README.md). A sample takes about a second.
        conn.exec_driver_sql("ANALYZE ads")


def urls_of(session: Session, ad_ids: list[int]) -> dict[int, str]:
    return fetch_by_keys(session, "SELECT ad_id, url FROM ad_signals WHERE ad_id IN", ad_ids, ID_CHUNK)


def existing_items(session: Session) -> dict[int, tuple[Any, ...]]:
    return {r[0]: r[1:] for r in session.connection().execute(
        select(QueueItem.cluster_id, QueueItem.id, QueueItem.score, QueueItem.flagged,
               QueueItem.reasons, QueueItem.summary))}


def write_queue(session: Session, items: dict[int, dict[str, Any]],
                existing: dict[int, tuple[Any, ...]], present: set[int], now: datetime) -> int:
    """Create or refresh items (`items`: cluster id -> row); unflag items whose cluster is gone.

    `scored_at` moves only when an item's content changes, so that indexes built from items
    (videre.web) are rebuilt only for those.
    """
    inserts, updates, unflag = [], [], []
    for cid, row in items.items():
        old = existing.get(cid)
        if old is None:
            if row["flagged"]:
                inserts.append({"cluster_id": cid, "created_at": now, "status": "new",
                                "scored_at": now, **row})
            continue
        _, score, flagged, reasons, summary = old
        if (score, flagged, reasons, summary) != (row["score"], row["flagged"], row["reasons"], row["summary"]):
            updates.append({"id": old[0], "scored_at": now, **row})
    for cid, old in existing.items():
        if cid not in present and old[2]:
            unflag.append({"id": old[0], "flagged": False, "scored_at": now})
    if inserts:
        session.execute(insert(QueueItem.__table__), inserts)
    update_by_id(session, QueueItem.__table__, updates + unflag)
    return len(inserts) + len(updates) + len(unflag)


def growth_warnings(session: Session, labels: np.ndarray, linking: Any, growth: float) -> list[str]:
    """Run-history warnings: the largest cluster grew unusually since the last run, or the giant
    guard undid weak links (triage.anchor)."""
    out = []
    previous = session.execute(select(Cluster.size).where(Cluster.active.is_(True))
                               .order_by(Cluster.size.desc()).limit(1)).scalar() or 0
    largest = int(np.bincount(labels).max()) if len(labels) else 0
    if previous and largest > previous * growth and largest - previous >= 100:
        out.append(f"the largest cluster grew from {previous} to {largest} ads since the last "
                   "re-score: check its links before trusting it")
    if linking.guarded:
        out.append(f"giant guard: {linking.guarded} cluster(s) joined too many names through photo "
                   "or text links alone; those links were left out")
    return out

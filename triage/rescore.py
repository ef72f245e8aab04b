"""The triage pipeline: signals -> links (phone, photo, template) -> hub guard -> clusters with
stable ids -> features -> score with reasons -> queue.

Incremental by default: per-ad signals are recomputed only for ads whose content changed since
they were computed (triage.signals); everything after that is recomputed for all ads from arrays,
which is cheap, and only rows that changed are written. `full=True` recomputes every signal too.
Both therefore produce the same clusters, templates and scores.
"""

from __future__ import annotations

import resource
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone

import numpy as np
import phonenumbers
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.ads import Ad
from models.entities import AdSignal, AdTemplate, Cluster, ClusterEvent, ClusterSummary
from models.review import QueueItem, WeightSetting
from triage.anchor import link
from triage.cluster import stable_ids
from triage.features import compute_features
from triage.frame import load_frame
from triage.hubs import mark_hubs
from triage.item_summary import refresh as refresh_summaries
from triage.persist import (
    analyst_touched,
    digest_of,
    existing_items,
    growth_warnings,
    row_hashes,
    write_clusters,
    write_hubs,
    write_queue,
)
from triage.photo_links import load_photo_keys
from triage.queue_items import plan_items
from triage.score import effective_weights, score_all
from triage.signals import SignalParams, refresh_signals
from triage.template_store import assign_template_ids, write_templates
from triage.templates import link_templates
from triage.text import MinHashShape
from videre.core.config import Settings
from videre.store.db import Database
from videre.store.run_record import RunRecorder

Tick = Callable[..., None]
# progress(label, total) -> context manager yielding tick(n=1, total=None); videre.cli.progress fits.
Progress = Callable[[str, int | None], AbstractContextManager[Tick]]


@contextmanager
def _silent(label: str, total: int | None = None) -> Iterator[Tick]:
    yield lambda *a, **k: None


@dataclass(frozen=True)
class RescoreResult:
    mode: str
    ads: int
    signals: int            # per-ad signals recomputed
    clusters: int
    flagged: int
    hubs: int
    templates: int
    written: int            # cluster and queue rows written
    seconds: float
    stages: dict[str, float] = field(default_factory=dict)     # wall-clock seconds per stage
    cpu: dict[str, float] = field(default_factory=dict)        # CPU seconds per stage
    warnings: list[str] = field(default_factory=list)          # for the run history


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class _Stages:
    """Times each stage (wall clock, and CPU including worker processes) and shows its progress."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.seconds: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    @contextmanager
    def __call__(self, label: str, total: int | None = None) -> Iterator[Tick]:
        t0, c0 = time.perf_counter(), _cpu()
        with self.progress(label, total) as tick:
            yield tick
        self.seconds[label] = round(time.perf_counter() - t0, 2)
        self.cpu[label] = round(_cpu() - c0, 2)


def signal_params(settings: Settings) -> SignalParams:
    t = settings.triage
    return SignalParams(MinHashShape(t.shingle_words, t.minhash_bands, t.minhash_rows),
                        t.template_min_words)


# The columns a re-score writes that point to other rows.
WRITTEN = (Ad.__table__.c.cluster_id, AdSignal.__table__.c.ad_id, AdTemplate.__table__.c.ad_id,
           AdTemplate.__table__.c.template_id, Cluster.__table__.c.merged_into_id,
           ClusterEvent.__table__.c.cluster_id, ClusterSummary.__table__.c.cluster_id,
           QueueItem.__table__.c.cluster_id)


def _unit_of_work(db: Database) -> AbstractContextManager[Session]:
    """A store never re-scored (no signals and no clusters yet: what a bulk load leaves) gets
    nearly every row written at once, so its foreign keys are checked at the end, not row by row
    (Database.bulk_session); any later re-score writes what changed, in a plain unit of work. No
    clusters also means nothing to delete that other rows point to (the bulk unit runs no ON
    DELETE action): a store whose ads were all purged keeps its clusters, and the plain unit."""
    with db.session() as s:
        first = (s.execute(select(AdSignal.ad_id).limit(1)).first() is None
                 and s.execute(select(Cluster.id).limit(1)).first() is None)
    return db.bulk_session(WRITTEN) if first else db.session()


def rescore(settings: Settings, db: Database, full: bool = False,
            progress: Progress = _silent) -> RescoreResult:
    started = time.perf_counter()
    with RunRecorder(db, "rescore") as run, _unit_of_work(db) as session:
        result = _run(session, settings, full, _Stages(progress), started)
        run.update(ads_unchanged=result.ads - result.signals, ads_changed=result.signals,
                   message=(f"{result.mode}: {result.clusters} clusters, {result.flagged} flagged, "
                            f"{result.hubs} hubs, {result.templates} templates"),
                   warnings=result.warnings)
    return result


def _run(session: Session, settings: Settings, full: bool, stage: _Stages,
         started: float) -> RescoreResult:
    t = settings.triage
    params = signal_params(settings)
    with stage("reading ad text") as tick:
        recomputed = refresh_signals(session, params, full, tick=tick, workers=t.workers)
    with stage("loading", 2) as tick:
        frame = load_frame(session, params.shape.bands)
        signals = frame.signals
        tick()
        photos, photo_ids, photo_group = load_photo_keys(session, frame)
        frame.keys["photo"] = photos
        tick()
    with stage("linking templates"):
        links = link_templates(session, frame, signals, params, t.template_threshold, t.workers)
        tids = assign_template_ids(session, frame, links, t.rules.shared_by_women)
        frame.keys["template"] = links.keys
    with stage("guarding hubs and clustering"):
        spreads = {kind: mark_hubs(frame, keys, t.hubs) for kind, keys in frame.keys.items()}
        linking = link(frame, spreads, t.hubs, t.min_link_weight)
        labels = linking.labels
        warnings = growth_warnings(session, labels, linking, t.giant_growth)
        next_id = (session.execute(select(func.max(Cluster.id))).scalar() or 0) + 1
        assignment = stable_ids(labels, frame.old_cluster, next_id, analyst_touched(session))
    with stage("scoring"):
        home = f"+{phonenumbers.country_code_for_region(settings.region)}"
        table = compute_features(frame, signals, assignment.cluster_of, home, t.rules)
        # Weights from config.yaml, then the leads' overrides from the web UI (/weights).
        scores = score_all(table, t.rules, effective_weights(t.weights, WeightSetting.overrides(session)))
        existing = existing_items(session)
        plan = plan_items(session, frame, table, scores, np.searchsorted(table.cids, assignment.cluster_of),
                          signals.nationalities, set(existing), t)
        digests = [digest_of(h, plan.details.get(i))
                   for i, h in enumerate(row_hashes(table, scores.total).tolist())]
    with stage("writing", 4) as tick:
        now = datetime.now(timezone.utc)
        write_hubs(session, frame.keys["phone"], photos, photo_ids, photo_group)
        tick()
        n_templates = write_templates(session, frame, links, tids, plan.templates, now)
        tick()
        written = write_clusters(session, frame, table, scores.total, assignment, digests,
                                 plan.details, now)
        tick()
        written += write_queue(session, plan.items, existing, set(table.cids.tolist()), now)
        tick()
    with stage("counting item pages"):
        # After the ads' cluster ids are written: what each item's page shows of all its ads.
        refresh_summaries(session, [cid for cid, row in plan.items.items() if row["flagged"] or cid in existing], now)
    hubs = int(sum(np.count_nonzero(k.hub) for k in frame.keys.values()))
    return RescoreResult("full" if full else "incremental", len(frame), recomputed, len(table.cids),
                         plan.flagged, hubs, n_templates, written, time.perf_counter() - started,
                         stage.seconds, stage.cpu, warnings)

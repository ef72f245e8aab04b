"""Queue items: what `videre queue` and the web UI show for each cluster that reaches the queue.

Built only for clusters at or above the threshold, and for clusters that already have an item
(so that an item whose cluster fell below is refreshed and unflagged, never silently stale).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from triage.cluster_evidence import Evidence, EvidenceBuilder
from triage.features import FeatureTable
from triage.frame import Frame
from triage.persist import urls_of
from triage.score import Scores, reasons_for
from videre.core.config import TriageSettings

MAX_SUMMARY_ADS = 500


@dataclass
class ItemPlan:
    items: dict[int, dict[str, Any]]        # cluster id -> queue item row
    details: dict[int, dict[str, Any]]      # cluster row -> evidence JSON (stored in its features)
    templates: set[int]                     # template ids analysts will see (displays to build)

    @property
    def flagged(self) -> int:
        return sum(1 for v in self.items.values() if v["flagged"])


def plan_items(session: Session, frame: Frame, table: FeatureTable, scores: Scores,
               cluster_index: np.ndarray, nationalities: list[str], with_items: set[int],
               settings: TriageSettings) -> ItemPlan:
    """Evidence, reasons and summary for the clusters that are (or were) in the queue."""
    rows = np.nonzero((scores.total >= settings.threshold) | np.isin(table.cids, list(with_items)))[0]
    builder = EvidenceBuilder(frame, cluster_index, nationalities)
    evidence: dict[int, Evidence] = {i: builder.build(i) for i in rows.tolist()}
    urls = urls_of(session, sorted({int(frame.ad_ids[p]) for ev in evidence.values()
                                    for p in ev.positions[:MAX_SUMMARY_ADS]}))
    plan = ItemPlan({}, {}, set())
    for i, ev in evidence.items():
        reasons = reasons_for(table, scores, i, ev, settings.rules)
        shared = ev.shared("template", 2)
        plan.details[i] = ev.to_json()
        flagged = bool(scores.total[i] >= settings.threshold and reasons)
        if flagged:
            plan.templates.update(lk.key for lk in ev.links if lk.kind == "template" and lk.key > 0)
        plan.items[int(table.cids[i])] = {
            "score": float(scores.total[i]),
            "flagged": flagged,
            "reasons": [r.to_json() for r in reasons],
            "summary": {"ads": [urls[int(frame.ad_ids[p])] for p in ev.positions[:MAX_SUMMARY_ADS]],
                        "phones": ev.phones, "cities": ev.cities, "names": ev.names[:50],
                        "n_ads": len(ev.positions), "sites": ev.sites,
                        "templates": [lk.key for lk in shared]},
            "first_seen": ev.first_seen, "last_seen": ev.last_seen,
        }
    return plan

"""How well the queue finds planted groups in a generated world (videre.demo truth.json).

The queue should hold the organised groups and agencies, each as one item, at the top, and none
of the independent women: heavy reposters, women touring on their own, women using a stock
phrase. Weights are tuned on this measure only (bench/triage_eval.py).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.ads import Ad
from models.entities import Cluster
from models.review import QueueItem

TARGETS = ("organised", "agency")
# An item is mixed when more than this share of its ads belongs to other groups than its main one.
MIXED_SHARE = 0.1


@dataclass
class ItemView:
    item_id: int
    score: float
    group: str              # the truth group most of its ads belong to
    kind: str
    purity: float           # share of its ads from that group
    ads: int


@dataclass
class Metrics:
    targets: int
    flagged: int
    precision_at_k: float
    k: int
    recall: float                   # target groups found (as the main group of a flagged item)
    false_items: int                # flagged items whose main group is not a target
    false_by_kind: dict[str, int]
    mixed_items: int
    split_groups: int               # target groups spread over several flagged items
    top_confounder: dict[str, float]   # best score reached by each non-target kind
    lowest_found_target: float
    items: list[ItemView] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if k != "items"}

    def report(self) -> str:
        lines = [
            f"target groups (organised + agency): {self.targets}; flagged items: {self.flagged}",
            f"precision@{self.k}: {self.precision_at_k:.3f}   group recall: {self.recall:.3f}",
            f"false items: {self.false_items} {dict(self.false_by_kind)}   mixed items: "
            f"{self.mixed_items}   split groups: {self.split_groups}",
            f"lowest score of a found target: {self.lowest_found_target:.2f}; best confounder "
            "scores: " + ", ".join(f"{k} {v:.2f}" for k, v in sorted(self.top_confounder.items())),
        ]
        return "\n".join(lines)


def group_of_url(truth: dict[str, Any], base_urls: dict[str, str]) -> dict[str, tuple[str, str]]:
    out = {}
    for g in truth["groups"]:
        for a in g["ads"]:
            out[base_urls[a["site"]].rstrip("/") + a["path"]] = (g["id"], g["kind"])
    return out


def evaluate(session: Session, truth: dict[str, Any], base_urls: dict[str, str]) -> Metrics:
    of_url = group_of_url(truth, base_urls)
    kind_of = {g["id"]: g["kind"] for g in truth["groups"]}
    targets = {g["id"] for g in truth["groups"] if g["kind"] in TARGETS and g["ads"]}
    ads_by_cluster: dict[int, list[str]] = defaultdict(list)
    for url, cid in session.execute(select(Ad.url, Ad.cluster_id)):
        if cid is not None:
            ads_by_cluster[cid].append(url)
    group_size = Counter(gid for gid, _ in of_url.values())
    flagged = dict(session.execute(select(QueueItem.cluster_id, QueueItem.id)
                                   .where(QueueItem.flagged.is_(True))).all())
    views: list[ItemView] = []
    all_scores: dict[str, float] = {}
    for cid, features in session.execute(select(Cluster.id, Cluster.features).where(Cluster.active.is_(True))):
        groups = Counter(of_url[u][0] for u in ads_by_cluster.get(cid, []) if u in of_url)
        if not groups:
            continue
        gid, n = groups.most_common(1)[0]
        score = float((features or {}).get("score", 0.0))
        view = ItemView(flagged.get(cid, 0), score, gid, kind_of[gid], n / sum(groups.values()),
                        sum(groups.values()))
        all_scores[view.kind] = max(all_scores.get(view.kind, 0.0), score)
        if cid in flagged:
            views.append(view)
    views.sort(key=lambda v: (-v.score, v.item_id))
    k = len(targets)
    top = views[:k]
    found: dict[str, int] = Counter()
    covered: dict[str, int] = Counter()
    for v in views:
        if v.group in targets:
            found[v.group] += 1
            covered[v.group] += round(v.purity * v.ads)
    recalled = {g for g in found if covered[g] * 2 >= group_size[g]}
    false = [v for v in views if v.group not in targets]
    found_scores = [v.score for v in views if v.group in targets]
    return Metrics(
        targets=k, flagged=len(views),
        precision_at_k=(sum(v.group in targets for v in top) / k) if k else 0.0, k=k,
        recall=len(recalled) / k if k else 0.0, false_items=len(false),
        false_by_kind=dict(Counter(v.kind for v in false)),
        mixed_items=sum(v.purity < 1 - MIXED_SHARE for v in views),
        split_groups=sum(1 for g, n in found.items() if n > 1),
        top_confounder={kd: s for kd, s in all_scores.items() if kd not in TARGETS},
        lowest_found_target=min(found_scores, default=0.0), items=views,
    )

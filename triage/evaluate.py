"""The queue against a labelled world's truth: what an analyst would find, miss, and waste time on.
Used by bench/triage_eval.py on the evaluation and demo worlds, and by the score's tests.

Definitions (bench/README.md repeats them):

- targets: groups labelled "organised" (rings, agencies, flats) with at least one stored ad; k is
  their number. Items are the flagged queue items, highest score first.
- an item's main group is the truth group most of its ads belong to; its purity is that share.
- precision@k: distinct target groups that are the main group of one of the first k items, / k
  (a target split over two items counts once).
- group recall: a target is found when one flagged item holds more than half of its ads and more
  than half of that item's ads are that group's.
- unseen targets: targets that are the main group of no flagged item at all (a target split over
  several items, each under half of it, is not found but is seen).
- false items: flagged items whose main group is neither a target nor a scam (independent women
  and the other confounders); false share = false items / flagged items.
- mixed items: flagged items holding ads of two or more organisations (targets or scams).
- scam: items whose main group is a scam; labelled when a reason code contains "scam"; a scam
  "merged with its victim" when any cluster holds ads of both.
- largest cluster: over every cluster, flagged or not: its ads and how many organisations and
  groups (actors) its ads come from.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from triage.rows import fetch_all

ORG_LABELS = ("organised", "scam")


@dataclass
class Metrics:
    ads: int
    targets: int
    flagged: int
    precision_at_k: float
    recall: float
    found: int
    unseen_targets: int
    false_items: int
    false_share: float
    false_by_kind: dict[str, int]
    missed_by_kind: dict[str, int]
    mixed_items: int
    impure_items: int                   # flagged items under 90 % purity (any actors)
    split_targets: int                  # targets that are the main group of 2+ flagged items
    largest_cluster: int
    largest_orgs: int
    largest_groups: int
    scams: int
    scam_items: int
    scam_labelled: int
    scam_with_victim: int
    clusters: int
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _cluster_groups(session: Session, of_url: dict[str, str]) -> tuple[dict[int, Counter[str]], int]:
    groups: dict[int, Counter[str]] = defaultdict(Counter)
    n = 0
    for url, cid in fetch_all(session, "SELECT url, cluster_id FROM ads"):
        g = of_url.get(url)
        if g is None:
            continue
        n += 1
        if cid is not None:
            groups[int(cid)][g] += 1
    return groups, n


def evaluate_queue(session: Session, truth: dict[str, Any]) -> Metrics:
    """Compare the stored queue with `truth` ({"groups": {id: {"label", "kind", ...}},
    "ads": {url: {"group": id, ...}}})."""
    groups_info = truth["groups"]
    of_url = {u: a["group"] for u, a in truth["ads"].items()}
    label = {g: v["label"] for g, v in groups_info.items()}
    kind = {g: v["kind"] for g, v in groups_info.items()}
    size = Counter(of_url.values())
    by_cluster, n_ads = _cluster_groups(session, of_url)
    targets = {g for g in size if label.get(g) == "organised"}
    scams = {g for g in size if label.get(g) == "scam"}
    rows = fetch_all(session, "SELECT id, cluster_id, score, reasons FROM queue_items WHERE flagged "
                     "ORDER BY score DESC, id DESC")
    items = []
    for item_id, cid, score, reasons in rows:
        counts = by_cluster.get(int(cid), Counter())
        if not counts:
            continue
        main, n_main = counts.most_common(1)[0]
        total = sum(counts.values())
        codes = _codes(reasons)
        items.append((item_id, float(score), main, n_main, total, counts, codes))
    k = len(targets)
    top_groups = {main for _, _, main, _, _, _, _ in items[:k] if main in targets}
    found = {main for _, _, main, n_main, total, _, _ in items
             if main in targets and 2 * n_main > size[main] and 2 * n_main > total}
    false = [main for _, _, main, _, _, _, _ in items if main not in targets and main not in scams]
    mains = Counter(main for _, _, main, _, _, _, _ in items if main in targets)
    mixed = sum(1 for *_, counts, _ in items if sum(label.get(g) in ORG_LABELS for g in counts) >= 2)
    impure = sum(1 for _, _, _, n_main, total, _, _ in items if n_main < 0.9 * total)
    scam_items = [(main, codes) for _, _, main, _, _, _, codes in items if main in scams]
    victims = {groups_info[g].get("victim") for g in scams}
    with_victim = sum(1 for counts in by_cluster.values()
                      for g in counts if g in scams and groups_info[g].get("victim") in counts)
    largest_cid = max(by_cluster, key=lambda c: sum(by_cluster[c].values()), default=None)
    largest = by_cluster.get(largest_cid, Counter()) if largest_cid is not None else Counter()
    flagged = len(items)
    return Metrics(
        ads=n_ads, targets=k, flagged=flagged,
        precision_at_k=round(len(top_groups) / k, 4) if k else 0.0,
        recall=round(len(found) / k, 4) if k else 0.0, found=len(found),
        unseen_targets=len(targets - set(mains)),
        false_items=len(false), false_share=round(len(false) / flagged, 4) if flagged else 0.0,
        false_by_kind=dict(Counter(kind.get(g, "?") for g in false)),
        missed_by_kind=dict(Counter(kind[g] for g in targets - found)),
        mixed_items=mixed, impure_items=impure, split_targets=sum(1 for n in mains.values() if n > 1),
        largest_cluster=sum(largest.values()),
        largest_orgs=sum(1 for g in largest if label.get(g) in ORG_LABELS),
        largest_groups=len(largest),
        scams=len(scams), scam_items=len(scam_items),
        scam_labelled=sum(1 for _, codes in scam_items if any("scam" in c for c in codes)),
        scam_with_victim=with_victim, clusters=len(by_cluster),
        extra={"victims": len(victims - {None}),
               "cluster_size_p99": int(np.percentile([sum(c.values()) for c in by_cluster.values()], 99))
               if by_cluster else 0},
    )


def _codes(reasons: Any) -> list[str]:
    if isinstance(reasons, str):
        reasons = json.loads(reasons or "[]")
    return [r.get("code", "") for r in reasons or [] if isinstance(r, dict)]


def demo_truth(truth: dict[str, Any], base_urls: dict[str, str]) -> dict[str, Any]:
    """The demo world's truth (videre.demo) in this module's shape: its organised groups and
    agencies are targets, every other kind a confounder."""
    groups, ads = {}, {}
    for g in truth["groups"]:
        lab = "organised" if g["kind"] in ("organised", "agency") else "none"
        groups[g["id"]] = {"kind": g["kind"], "label": lab}
        for a in g["ads"]:
            ads[base_urls[a["site"]].rstrip("/") + a["path"]] = {"group": g["id"]}
    return {"groups": groups, "ads": ads}

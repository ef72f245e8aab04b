"""Union-find over ad positions, and cluster ids that survive re-scoring."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from triage.frame import Keys


class UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = np.arange(n, dtype=np.int64)

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return int(root)

    def union_pairs(self, a: np.ndarray, b: np.ndarray) -> None:
        for x, y in zip(a.tolist(), b.tolist()):
            rx, ry = self.find(x), self.find(y)
            if rx != ry:
                # The smaller root wins, so labels do not depend on the order of the edges.
                if rx < ry:
                    self.parent[ry] = rx
                else:
                    self.parent[rx] = ry

    def labels(self) -> np.ndarray:
        return np.fromiter((self.find(i) for i in range(len(self.parent))), dtype=np.int64,
                           count=len(self.parent))


def key_edges(keys: Keys) -> tuple[np.ndarray, np.ndarray]:
    """A chain of edges through the ads that share each non-hub key (enough for connectivity)."""
    live = ~keys.hub[keys.key_pos] if len(keys.key_pos) else np.zeros(0, bool)
    kp, ap = keys.key_pos[live], keys.ad_pos[live]
    order = np.lexsort((ap, kp))
    kp, ap = kp[order], ap[order]
    same = kp[1:] == kp[:-1]
    return ap[:-1][same], ap[1:][same]


@dataclass
class Assignment:
    """New cluster id per ad position, with the merges and splits relative to the previous run."""

    cluster_of: np.ndarray
    new_ids: list[int] = field(default_factory=list)
    events: list[tuple[str, int, dict]] = field(default_factory=list)


def stable_ids(labels: np.ndarray, old: np.ndarray, next_id: int) -> Assignment:
    """Give each component the old cluster id whose ads it mostly holds.

    An old cluster passes its id to the component holding the largest share of its ads, if that
    is at least half of them; a component with no such predecessor gets a fresh id.
    """
    comps, comp_of = np.unique(labels, return_inverse=True)
    cluster_of = np.zeros(len(labels), dtype=np.int64)
    has_old = old > 0
    old_sizes = dict(zip(*np.unique(old[has_old], return_counts=True)))
    overlap: dict[tuple[int, int], int] = {}
    if has_old.any():
        pairs, counts = np.unique(np.stack([comp_of[has_old], old[has_old]], axis=1), axis=0,
                                  return_counts=True)
        overlap = {(int(c), int(o)): int(n) for (c, o), n in zip(pairs, counts)}
    # Largest overlaps choose first, so each old id goes to its best successor.
    heirs: dict[int, int] = {}
    taken: set[int] = set()
    for (comp, old_id), n in sorted(overlap.items(), key=lambda kv: (-kv[1], kv[0])):
        if comp in heirs or old_id in taken or n * 2 < old_sizes[old_id]:
            continue
        heirs[comp] = old_id
        taken.add(old_id)
    result = Assignment(cluster_of)
    predecessors: dict[int, list[int]] = {}
    for (comp, old_id), _n in overlap.items():
        predecessors.setdefault(comp, []).append(old_id)
    comp_ids = np.zeros(len(comps), dtype=np.int64)
    for comp in range(len(comps)):
        if comp in heirs:
            comp_ids[comp] = heirs[comp]
        else:
            comp_ids[comp] = next_id
            result.new_ids.append(next_id)
            next_id += 1
        preds = sorted(set(predecessors.get(comp, [])))
        if len(preds) > 1:
            result.events.append(("merge", int(comp_ids[comp]), {"from": preds}))
    for old_id in old_sizes:
        successors = sorted({int(comp_ids[c]) for (c, o) in overlap if o == old_id})
        if len(successors) > 1:
            result.events.append(("split", int(old_id), {"into": successors}))
    result.cluster_of = comp_ids[comp_of]
    return result

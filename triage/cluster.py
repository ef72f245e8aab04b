"""Connected components over integer ids, and cluster ids that survive re-scoring."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from triage.frame import Keys


def components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Component label per node, each label being the smallest node in its component.

    The canonical label makes the result independent of edge order (scipy's union-find-like
    traversal numbers components in its own order).
    """
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    smallest = np.full(labels.max() + 1, n, dtype=np.int64)
    np.minimum.at(smallest, labels, np.arange(n, dtype=np.int64))
    return smallest[labels]


def canonical(key: np.ndarray) -> np.ndarray:
    """Relabel groups (equal values of `key`) by the smallest position in each, as `components`."""
    if not len(key):
        return np.zeros(0, dtype=np.int64)
    _, group = np.unique(key, return_inverse=True)
    smallest = np.full(group.max() + 1, len(key), dtype=np.int64)
    np.minimum.at(smallest, group, np.arange(len(key), dtype=np.int64))
    return smallest[group]


def key_edges(keys: Keys, live: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """A chain of edges through the ads that share each non-hub key (enough for connectivity)."""
    live = keys.live() if live is None else live
    kp, ap = keys.key_pos[live], keys.ad_pos[live]
    order = np.lexsort((ap, kp))
    kp, ap = kp[order], ap[order]
    same = kp[1:] == kp[:-1]
    return ap[:-1][same], ap[1:][same]


def link_components(n: int, all_keys: list[Keys]) -> np.ndarray:
    edges = [key_edges(k) for k in all_keys]
    a = np.concatenate([e[0] for e in edges]) if edges else np.zeros(0, np.int64)
    b = np.concatenate([e[1] for e in edges]) if edges else np.zeros(0, np.int64)
    return components(n, a, b)


@dataclass
class Assignment:
    """New id per member, with the merges and splits relative to the previous run."""

    cluster_of: np.ndarray
    new_ids: list[int] = field(default_factory=list)
    # (kind, cluster id, detail): "merge" {"from": [old ids]}, "split" {"into": [new ids]}
    events: list[tuple[str, int, dict]] = field(default_factory=list)
    # Old ids that no longer exist, and the id that holds most of their former members.
    retired: dict[int, int] = field(default_factory=dict)


def stable_ids(labels: np.ndarray, old: np.ndarray, next_id: int,
               keep_first: set[int] | frozenset[int] = frozenset()) -> Assignment:
    """Give each component the old id whose members it mostly holds.

    An old id passes to the component holding the largest share of its members, if that is at least
    half of them. Ids in `keep_first` (clusters an analyst has worked on) choose before the others,
    so that when a labelled cluster merges with an unlabelled one, the label's id survives.
    A component with no such predecessor gets a fresh id.
    """
    comps, comp_of = np.unique(labels, return_inverse=True)
    has_old = old > 0
    packed, n = np.unique((comp_of[has_old].astype(np.int64) << 32) | old[has_old], return_counts=True)
    comp, old_id = packed >> 32, packed & 0xFFFFFFFF
    old_size = np.bincount(old_id, weights=n).astype(np.int64) if len(old_id) else np.zeros(0, np.int64)
    eligible = np.nonzero(n * 2 >= old_size[old_id])[0] if len(old_id) else np.zeros(0, np.int64)
    heir = _match(comp[eligible], old_id[eligible], n[eligible], len(comps), keep_first)
    comp_ids = heir.copy()
    fresh = np.nonzero(heir == 0)[0]
    comp_ids[fresh] = next_id + np.arange(len(fresh))
    result = Assignment(comp_ids[comp_of], new_ids=comp_ids[fresh].tolist())
    new_of_pair = comp_ids[comp]
    # Merges: a new id with several predecessors; splits: an old id with several successors.
    for new_id, olds in _groups(new_of_pair, old_id):
        result.events.append(("merge", new_id, {"from": sorted(olds)}))
    taken = set(heir[heir > 0].tolist())
    order = np.lexsort((new_of_pair, -n, old_id))
    for old, news in _groups(old_id[order], new_of_pair[order]):
        result.events.append(("split", old, {"into": sorted(news)}))
    result.events.sort(key=lambda e: (e[0], e[1]))
    # The successor of a retired id: the component that took most of it (first in `order`).
    first = np.concatenate([[True], old_id[order][1:] != old_id[order][:-1]]) if len(order) else order
    for old, new in zip(old_id[order][first].tolist(), new_of_pair[order][first].tolist()):
        if old not in taken:
            result.retired[old] = new
    return result


def _match(comp: np.ndarray, old: np.ndarray, n: np.ndarray, n_comps: int,
           keep_first: set[int] | frozenset[int]) -> np.ndarray:
    """Old id per component (0: none): greedy in priority order, each id and component used once.

    Pairs whose component and old id appear in no other pair are settled at once (nothing can
    take them); the few contested ones go through the greedy loop.
    """
    heir = np.zeros(n_comps, dtype=np.int64)
    if not len(comp):
        return heir
    comp_uses = np.bincount(comp, minlength=n_comps)
    _, old_inv, old_uses = np.unique(old, return_inverse=True, return_counts=True)
    alone = (comp_uses[comp] == 1) & (old_uses[old_inv] == 1)
    heir[comp[alone]] = old[alone]
    rest = np.nonzero(~alone)[0]
    first = np.array([old[i] not in keep_first for i in rest.tolist()], dtype=bool)
    taken: set[int] = set()
    for i in rest[np.lexsort((comp[rest], old[rest], -n[rest], first))].tolist():
        c, o = int(comp[i]), int(old[i])
        if heir[c] or o in taken:
            continue
        heir[c] = o
        taken.add(o)
    return heir


def _groups(key: np.ndarray, value: np.ndarray) -> list[tuple[int, list[int]]]:
    """(key, distinct values) for keys that have more than one distinct value, by key."""
    if not len(key):
        return []
    packed = np.unique((key.astype(np.int64) << 32) | value, return_counts=True)[0]
    k, v = packed >> 32, packed & 0xFFFFFFFF
    counts = np.bincount(np.unique(k, return_inverse=True)[1])
    multi = np.repeat(counts > 1, counts)
    out: list[tuple[int, list[int]]] = []
    for kk, vv in zip(k[multi].tolist(), v[multi].tolist()):
        if out and out[-1][0] == kk:
            out[-1][1].append(vv)
        else:
            out.append((kk, [vv]))
    return out

"""Linking that cannot chain: numbers anchor clusters, photos and texts only attach (docs/scoring.md).

Union-find over every shared photo and near-duplicate text ends, at national scale, in one giant
component: real ad text is formulaic and stock photos travel. So the links are not equal:

1. Anchors. Ads that share a live phone number (hub guard first, then the giant guard over
   numbers only) form an anchor: one hand that answers one line.
2. Rarity. Every photo group and template gets a weight that falls with the number of distinct
   anchors, names and sites using it: 1 / (1 + ln spread), an inverse document frequency over the
   data itself. Links below `min_link_weight` are dropped.
3. Communities. Anchors and unanchored ads on one side, photo and template keys on the other, form
   a weighted bipartite graph. Leiden (leidenalg, modularity) places the unanchored ads and keys
   with the community they are most strongly tied to, with every anchor fixed in its own community.
   Two anchors therefore never end in one cluster through a photo or a text, and weakly joined
   unanchored ads split apart instead of chaining.
4. Giant guard. A community that collects more than `giant_names` names through weak links is
   undone: its unanchored ads stay on their own.

The result is a label per ad; triage.cluster.stable_ids keeps cluster ids across runs. Leiden runs
with a fixed seed, so the same data gives the same clusters.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import igraph
import leidenalg
import numpy as np

from triage.cluster import canonical, components
from triage.frame import Frame, Keys
from triage.groupby import count_distinct, uniq
from triage.hubs import Spread, break_giants
from triage.signals import FLAGS
from videre.core.config import HubSettings

WEAK_KINDS = ("photo", "template")
LEIDEN_SEED = 17
LEIDEN_ITERATIONS = 2
# Components up to this many nodes with at most one anchor are taken whole, without Leiden.
SMALL_COMPONENT = 64
# Same-person bridges: a key under at most three names (1 / (1 + ln 3) = 0.48) ...
BRIDGE_WEIGHT = 0.45
# ... shared by at least this share of the smaller anchor's women.
BRIDGE_OVERLAP = 0.5
# Each anchor under one key and woman is paired with the next this many (all of them, as a rule).
MAX_PAIRED = 16
# Keys that say who a woman is (her photos, her own side line); texts say who wrote, and are copied.
PERSON_KINDS = ("photo", "side_line")


@dataclass
class Linking:
    labels: np.ndarray                  # cluster label per ad (its smallest ad position)
    anchor: np.ndarray                  # anchor label per ad, -1 for an ad with no live number
    weights: dict[str, np.ndarray] = field(default_factory=dict)   # weight per weak key
    attached: int = 0                   # unanchored ads placed with an anchor by weak links
    guarded: int = 0                    # weak communities undone by the giant guard


def key_weights(frame: Frame, keys: Keys, anchor: np.ndarray) -> np.ndarray:
    """1 / (1 + ln spread) per key, spread = distinct anchors + names + sites using it, less 2.

    A photo or text used by one woman on one number on one site weighs 1; one used under ten
    names on five numbers and three sites weighs 0.29; a stock sentence used by hundreds ~0.15.
    """
    n = len(keys)
    if not n:
        return np.zeros(0)
    live = keys.live()
    ap, kp = keys.ad_pos[live], keys.key_pos[live]
    person = frame.people()[0][:, 0]
    # An unanchored ad is a context of its own (nothing says it is any anchor's).
    ctx = np.where(anchor[ap] >= 0, anchor[ap], len(frame) + ap)
    spread = (count_distinct(kp, ctx, n) + count_distinct(kp, person[ap], n)
              + count_distinct(kp, frame.site[ap], n) - 2)
    return 1.0 / (1.0 + np.log(np.maximum(spread, 1)))


def subset(keys: Keys, rows: np.ndarray, kind: str) -> Keys:
    """The membership rows `rows` of `keys`, as keys of their own (hub marks kept)."""
    out = Keys(kind, keys.ids, keys.labels, keys.ad_pos[rows], keys.key_pos[rows], keys.override,
               keys.strength[rows])
    out.hub, out.hub_reason = keys.hub, keys.hub_reason
    return out


def side_lines(phones: Keys, spread: Spread) -> np.ndarray:
    """Numbers that are side lines: never the only number on most of their ads, printed beside two
    or more other numbers (a shared switchboard, a friend's line in a duo ad)."""
    vouched = np.array([o is False for o in phones.override], dtype=bool)
    # A number an analyst vouched for links as a number.
    return (spread.alone < 0.5) & (spread.phones >= 2) & ~vouched


def anchor_rows(frame: Frame, phones: Keys, side: np.ndarray) -> np.ndarray:
    """Phone membership rows that anchor: a number that is no side line, or any number where it is
    the only one on its ad (alone it answers; beside another number it only links weakly)."""
    per_ad = np.bincount(phones.ad_pos[phones.live()], minlength=len(frame))
    return ~side[phones.key_pos] | (per_ad[phones.ad_pos] == 1)


def anchor_labels(frame: Frame, spreads: dict[str, Spread], settings: HubSettings,
                  rows: np.ndarray) -> np.ndarray:
    """Components over anchoring rows (giant guard over numbers only); -1 for ads with none.
    Hub marks the giant guard adds are kept on the numbers (the arrays are shared)."""
    phones = frame.keys["phone"]
    anchoring = subset(phones, np.nonzero(rows)[0], "phone")
    frame.keys["phone"] = anchoring
    try:
        labels = break_giants(frame, spreads, settings, kinds=("phone",))
    finally:
        frame.keys["phone"] = phones
    has = np.zeros(len(frame), dtype=bool)
    has[anchoring.ad_pos[anchoring.live()]] = True
    return np.where(has, labels, -1)


def same_person_bridges(frame: Frame, anchor: np.ndarray, weak: dict[str, Keys],
                        min_weight: float) -> np.ndarray:
    """Anchors joined because they are mostly the same women: the same rare photo (or side line)
    under the same name (folded, triage.people) on both numbers, for at least half of the women of
    the smaller side (BRIDGE_OVERLAP). A woman who changed her number, a flat's women on rotated
    lines and a ring that switched phones are one hand; two agencies that one woman moved between
    are not. Only person-level keys count (PERSON_KINDS): organisations copy each other's texts and
    common names repeat, so a copied template under a second "Kristina" says nothing about who
    answers. A scammer stealing photos uses made-up names, and its money-first ads bridge nothing.
    Bridges are merged greedily, most shared women first, and the overlap is checked again against
    the groups already merged (merge_bridges), so bridges do not chain. Returns anchor labels with
    such anchors merged.
    """
    person = frame.people()[0][:, 0]
    flags = frame.signals.flags
    scam = ((flags & FLAGS["deposit_first"]) > 0) if len(flags) == len(frame) else np.zeros(len(frame), bool)
    parts_a, parts_b, parts_p = [], [], []
    for kind, keys in weak.items():
        if kind not in PERSON_KINDS:
            continue
        live = keys.live()
        ap, kp = keys.ad_pos[live], keys.key_pos[live]
        # Rarity by names alone: one woman on several numbers is what is being looked for.
        names = count_distinct(kp, person[ap], len(keys))
        weight = 1.0 / (1.0 + np.log(np.maximum(names, 1)))
        ok = (anchor[ap] >= 0) & (person[ap] >= 0) & (weight[kp] >= min_weight) & ~scam[ap]
        ap, kp = ap[ok], kp[ok]
        # Distinct (key, woman, anchor); every two anchors under one key and woman are a pair.
        cells = np.stack([kp, person[ap], anchor[ap]], axis=1)[np.lexsort((anchor[ap], person[ap], kp))]
        fresh = np.any(cells[1:] != cells[:-1], axis=1)
        cells = cells[np.concatenate([[True], fresh])] if len(cells) else cells
        group = np.concatenate([[True], np.any(cells[1:, :2] != cells[:-1, :2], axis=1)]).cumsum()
        for step in range(1, MAX_PAIRED + 1):
            same = group[step:] == group[:-step]
            if not same.any():
                break
            parts_a.append(cells[:-step, 2][same])
            parts_b.append(cells[step:, 2][same])
            parts_p.append(cells[step:, 1][same])
    if not parts_a or not sum(len(p) for p in parts_a):
        return anchor
    a, b, p = np.concatenate(parts_a), np.concatenate(parts_b), np.concatenate(parts_p)
    # Women shared per anchor pair, against the women of the smaller anchor.
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    triples = np.unique(np.stack([lo, hi, p], axis=1), axis=0)
    pairs, shared = np.unique(triples[:, :2], axis=0, return_counts=True)
    has = anchor >= 0
    women = count_distinct(anchor[has], person[has], len(frame))
    smaller = np.minimum(women[pairs[:, 0]], women[pairs[:, 1]])
    keep = shared >= BRIDGE_OVERLAP * np.maximum(smaller, 1)
    merged = merge_bridges(pairs[keep], shared[keep], anchor, person, len(frame))
    return np.where(has, merged[np.maximum(anchor, 0)], -1)


def merge_bridges(pairs: np.ndarray, shared: np.ndarray, anchor: np.ndarray, person: np.ndarray,
                  n: int) -> np.ndarray:
    """Union of anchor pairs, most shared women first, where each merge must still share at least
    BRIDGE_OVERLAP of the women of the smaller of the two groups it joins. Plain components would
    chain: flat A's line bridged to flat B's spare line (one woman who moved, and nobody else on
    it) and that line to B's main one would make A and B one item. Returns, per anchor label
    0..n-1, the smallest anchor label of its group."""
    root = np.arange(n, dtype=np.int64)
    if not len(pairs):
        return root
    involved = uniq(pairs.ravel())
    ads = np.isin(anchor, involved) & (person >= 0)
    women: dict[int, set[int]] = {int(x): set() for x in involved.tolist()}
    cells = uniq((anchor[ads].astype(np.int64) << 32) | person[ads])
    for x, q in zip((cells >> 32).tolist(), (cells & 0xFFFFFFFF).tolist()):
        women[x].add(q)
    parent = {x: x for x in women}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    ratio = shared / np.maximum(np.minimum([len(women[int(x)]) for x in pairs[:, 0]],
                                           [len(women[int(x)]) for x in pairs[:, 1]]), 1)
    for i in np.lexsort((pairs[:, 1], pairs[:, 0], -ratio, -shared)).tolist():
        ra, rb = find(int(pairs[i, 0])), find(int(pairs[i, 1]))
        if ra == rb or shared[i] < BRIDGE_OVERLAP * max(1, min(len(women[ra]), len(women[rb]))):
            continue
        if len(women[ra]) < len(women[rb]):
            ra, rb = rb, ra
        parent[rb] = ra
        women[ra] |= women.pop(rb)
    for x in parent:
        root[x] = find(x)
    # Name each group by its smallest anchor label, as components() does.
    smallest = np.full(n, n, dtype=np.int64)
    np.minimum.at(smallest, root[involved], involved)
    root[involved] = smallest[root[involved]]
    return root


def _bipartite(frame: Frame, anchor: np.ndarray, weak: dict[str, Keys], weights: dict[str, np.ndarray],
               min_weight: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    """Edges (entity node, key node, weight), the entity node of each ad (-1 none), the number of
    anchors (nodes 0..A-1) and the node count. Entities are anchors, then unanchored ads."""
    anchors, anchor_node = np.unique(anchor[anchor >= 0], return_inverse=True)
    n_anchor = len(anchors)
    ent = np.full(len(frame), -1, dtype=np.int64)
    ent[anchor >= 0] = anchor_node
    rows_e, rows_k, rows_w = [], [], []
    offset = 0
    for kind, keys in weak.items():
        live = keys.live()
        w = weights[kind][keys.key_pos[live]] * keys.strength[live]
        ok = w >= min_weight
        rows_e.append(keys.ad_pos[live][ok])
        rows_k.append(keys.key_pos[live][ok] + offset)
        rows_w.append(w[ok])
        offset += len(keys)
    ad = np.concatenate(rows_e) if rows_e else np.zeros(0, np.int64)
    if not len(ad):
        empty = np.zeros(0, np.int64)
        return empty, empty, np.zeros(0), ent, n_anchor
    key, w = np.concatenate(rows_k), np.concatenate(rows_w)
    free_in = uniq(ad[anchor[ad] < 0])
    ent[free_in] = n_anchor + np.arange(len(free_in))
    e = ent[ad]
    # One edge per (entity, key): the strongest of its ads' links.
    order = np.lexsort((-w, key, e))
    e, key, w = e[order], key[order], w[order]
    first = np.concatenate([[True], (e[1:] != e[:-1]) | (key[1:] != key[:-1])])
    e, key, w = e[first], key[first], w[first]
    # A key tied to a single entity joins nothing.
    used = np.bincount(key, minlength=offset)
    keep = used[key] >= 2
    e, key, w = e[keep], key[keep], w[keep]
    key_node = np.unique(key, return_inverse=True)[1]
    n_ent = n_anchor + len(free_in)
    return e, n_ent + key_node, w, ent, n_anchor


def communities(n_nodes: int, u: np.ndarray, v: np.ndarray, w: np.ndarray, n_fixed: int) -> np.ndarray:
    """Leiden (modularity) with nodes 0..n_fixed-1 fixed, each in its own community.

    Only connected components with two or more anchors, or more than SMALL_COMPONENT nodes, have
    anything to split; every other component is one community as it is (the same answer, at a
    fraction of the cost). Community ids are node ids of a member.
    """
    member = np.arange(n_nodes)
    if not len(u):
        return member
    comp = components(n_nodes, u, v)
    sizes = np.bincount(comp, minlength=n_nodes)
    anchors = np.bincount(comp[:n_fixed], minlength=n_nodes)
    hard = (anchors >= 2) | (sizes > SMALL_COMPONENT)
    easy = ~hard[comp]
    # An easy component is one community, named by its anchor if it has one (else its smallest node).
    fixed_comp = comp[:n_fixed]
    name_of_comp = np.arange(n_nodes)
    name_of_comp[fixed_comp] = np.arange(n_fixed)
    member[easy] = name_of_comp[comp[easy]]
    nodes = np.nonzero(~easy)[0]
    if not len(nodes):
        return member
    local = np.full(n_nodes, -1, dtype=np.int64)
    local[nodes] = np.arange(len(nodes))
    keep = local[u] >= 0
    lu, lv, lw = local[u[keep]], local[v[keep]], w[keep]
    graph = igraph.Graph(n=len(nodes), edges=np.column_stack([lu, lv]).tolist())
    partition = leidenalg.RBConfigurationVertexPartition(
        graph, weights=lw.tolist(), initial_membership=list(range(len(nodes))))
    optimiser = leidenalg.Optimiser()
    optimiser.set_rng_seed(LEIDEN_SEED)
    optimiser.optimise_partition(partition, n_iterations=LEIDEN_ITERATIONS,
                                 is_membership_fixed=(nodes < n_fixed).tolist())
    found = np.array(partition.membership, dtype=np.int64)
    # Name each Leiden community by its anchor (fixed nodes come first in `nodes`), else a member.
    label = np.full(int(found.max()) + 1, -1, dtype=np.int64)
    label[found[::-1]] = nodes[::-1]
    member[nodes] = label[found]
    return member


def link(frame: Frame, spreads: dict[str, Spread], settings: HubSettings, min_weight: float,
         bridge_weight: float = BRIDGE_WEIGHT) -> Linking:
    """Cluster labels per ad from anchor numbers and weak keys (see the module docstring)."""
    n = len(frame)
    phones = frame.keys["phone"]
    rows = anchor_rows(frame, phones, side_lines(phones, spreads["phone"]))
    anchor = anchor_labels(frame, spreads, settings, rows)
    weak = {kind: frame.keys[kind] for kind in WEAK_KINDS if kind in frame.keys and len(frame.keys[kind])}
    weak["side_line"] = subset(phones, np.nonzero(~rows)[0], "phone")
    weights = {kind: key_weights(frame, keys, anchor) for kind, keys in weak.items()}
    anchor = same_person_bridges(frame, anchor, weak, bridge_weight)
    u, v, w, ent, n_anchor = _bipartite(frame, anchor, weak, weights, min_weight)
    n_nodes = int(max(v.max(initial=-1), ent.max(initial=-1))) + 1
    member = communities(n_nodes, u, v, w, n_anchor)
    # Cluster key per ad: its entity's community; an ad in no community stands alone.
    key = n_nodes + np.arange(n)
    key[ent >= 0] = member[ent[ent >= 0]]
    free_in = (anchor < 0) & (ent >= 0)
    result = Linking(canonical(key), anchor, weights)
    guarded = _guard(frame, result.labels, free_in, settings.giant_names)
    if len(guarded):
        key[np.isin(result.labels, guarded) & free_in] = n_nodes + np.nonzero(
            np.isin(result.labels, guarded) & free_in)[0]
        result.labels = canonical(key)
        result.guarded = len(guarded)
    anchored_cluster = np.zeros(n + 1, dtype=bool)
    anchored_cluster[result.labels[anchor >= 0]] = True
    result.attached = int(np.count_nonzero(free_in & anchored_cluster[result.labels]))
    return result


def _guard(frame: Frame, labels: np.ndarray, free_in: np.ndarray, giant_names: int) -> np.ndarray:
    """Clusters holding weakly attached ads and more than `giant_names` names."""
    person = frame.people()[0][:, 0]
    names = count_distinct(labels, person, len(frame))
    weak = np.zeros(len(frame), dtype=bool)
    weak[labels[free_in]] = True
    return np.nonzero(weak & (names > giant_names))[0]
